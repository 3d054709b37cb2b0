/** Table stream -> queues: the outbox dispatcher (see lib/outbox). */
import { dispatchOutboxRecords } from '../../../lib/outbox/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'outboxDispatchWorker',
  description: "Queues the background work of committed rows (new payouts, submitted cash-out claims, transfers to moderate)",
  timeout: 30,
  uses: ['stream', 'outboxDlq', 'links', 'moderation', 'queue:chainTransfers', 'queue:mail', 'queue:cashoutPayments', 'queue:topUpChecks', 'queue:cashoutTransfers', 'queue:exchangeTransfers'],
});

export const handler = workerHandler(worker, dispatchOutboxRecords);
