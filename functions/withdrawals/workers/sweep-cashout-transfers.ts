/** Scheduled: re-queues bank cash-out transfers left unsettled (a lost or dead-lettered message); the payout worker pays each once. */
import { log } from '../../../lib/log/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';
import { sweepCashoutTransfers } from '../../../lib/withdrawals/cashout.js';

export const worker = defineWorker({
  name: 'sweepCashoutTransfers',
  description: 'Re-queues bank cash-out transfers still pending or paying 15 minutes after their request',
  timeout: 60,
  uses: ['queue:cashoutTransfers'],
  schedule: 'rate(5 minutes)',
});

export const handler = workerHandler(worker, async (): Promise<{ queued: number }> => {
  const queued = await sweepCashoutTransfers();
  log.info('cash-out transfer sweep run', { queued });
  return { queued };
});
