/** cashout-payments queue: pay each submitted claim exactly once (see lib/cashout/payment.ts). */
import { cashoutConfig, coreConfig } from '../../../lib/config/index.js';
import { processClaimPayment } from '../../../lib/cashout/payment.js';
import { cashoutPaymentMessage } from '../../../lib/queue/messages.js';
import { sqsWorker } from '../../../lib/queue/worker.js';

coreConfig();
cashoutConfig();

export const handler = sqsWorker('cashout-payment', cashoutPaymentMessage, async (msg) => {
  await processClaimPayment(msg.uuid);
});
