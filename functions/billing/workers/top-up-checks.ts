/** topup-checks queue: a participant's deposit changed; start its automatic top-up if it is due (lib/topups). */
import { log } from '../../../lib/log/index.js';
import { topUpCheckMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsWorker, workerHandler } from '../../../lib/queue/worker.js';
import { checkTopUp } from '../../../lib/topups/chain.js';

export const worker = defineWorker({
  name: 'topUpCheckWorker',
  description: "Starts a participant's automatic coin top-up when its deposit changed to at or below its threshold (topup-checks queue)",
  timeout: 30,
  uses: ['topups', 'plans', 'billing', 'deposit', 'consume:topUpChecks'],
});

export const handler = workerHandler(worker, sqsWorker('topup-check', topUpCheckMessage, async (msg) => {
  if (await checkTopUp(msg.participant)) log.info('automatic top-up started on a deposit change', { participant: msg.participant });
}));
