/** cashout-transfers queue: pay each new bank cash-out transfer exactly once (see lib/withdrawals/cashout.ts). */
import { cashoutTransferMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsWorker, workerHandler } from '../../../lib/queue/worker.js';
import { processCashoutTransfer } from '../../../lib/withdrawals/cashout.js';

export const worker = defineWorker({
  name: 'cashoutPayoutWorker',
  description: 'Pays bank cash-out transfers to the bank and records the outcome once (cashout-transfers queue; event source mapping in resources/event-sources.yml)',
  timeout: 60,
  uses: ['withdrawals', 'cardVault', 'consume:cashoutTransfers'],
});

export const handler = workerHandler(worker, sqsWorker('cashout-transfer', cashoutTransferMessage, async (msg) => {
  await processCashoutTransfer(msg.uuid);
}));
