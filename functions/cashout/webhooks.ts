/** GET /cashout/webhooks (Bearer): the provider's webhook deliveries, newest first, with status and attempts. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateProvider } from '../../lib/cashout/providers.js';
import { listWebhooks } from '../../lib/cashout/webhooks.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => {
  const provider = await authenticateProvider(req.headers);
  const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 50) || 50));
  return { body: await listWebhooks(provider.name, limit) };
});
