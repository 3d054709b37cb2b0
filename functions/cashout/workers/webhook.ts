/** webhook-deliveries queue: one signed attempt per message, the next one scheduled on failure. */
import { attemptWebhook } from '../../../lib/cashout/webhooks.js';
import { webhookDeliveryMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'webhookDeliveryWorker',
  description: "Delivers signed webhooks to providers (webhook-deliveries queue)",
  timeout: 30,
  uses: ['cashout', 'cardVault', 'consume:webhookDeliveries', 'queue:webhookDeliveries'],
});

export const handler = workerHandler(worker, sqsWorker('webhook-delivery', webhookDeliveryMessage, async (msg) => {
  await attemptWebhook(msg.id, msg.notBefore);
}));
