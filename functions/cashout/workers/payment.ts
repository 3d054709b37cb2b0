/** cashout-payments queue: pay each submitted claim exactly once (see lib/cashout/payment.ts). */
import { processClaimPayment } from '../../../lib/cashout/payment.js';
import { cashoutPaymentMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'cashoutPaymentWorker',
  description: "Pays submitted claims (cashout-payments queue; event source mapping in resources/event-sources.yml)",
  timeout: 60,
  uses: ['cashout', 'cardVault', 'consume:cashoutPayments', 'queue:webhookDeliveries'],
});

export const handler = workerHandler(worker, sqsWorker('cashout-payment', cashoutPaymentMessage, async (msg) => {
  await processClaimPayment(msg.uuid);
}));
