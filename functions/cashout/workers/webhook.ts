/** webhook-deliveries queue: one signed attempt per message, the next one scheduled on failure. */
import { cashoutConfig, coreConfig } from '../../../lib/config/index.js';
import { attemptWebhook } from '../../../lib/cashout/webhooks.js';
import { webhookDeliveryMessage } from '../../../lib/queue/messages.js';
import { sqsWorker } from '../../../lib/queue/worker.js';

coreConfig();
cashoutConfig();

export const handler = sqsWorker('webhook-delivery', webhookDeliveryMessage, async (msg) => {
  await attemptWebhook(msg.id, msg.notBefore);
});
