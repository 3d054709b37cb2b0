/** POST /cashout/webhooks/{id}/replay (Bearer): send a delivery again, same id and body. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateProvider } from '../../lib/cashout/providers.js';
import { replayWebhook } from '../../lib/cashout/webhooks.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => {
  const provider = await authenticateProvider(req.headers);
  return { status: 202, body: await replayWebhook(provider.name, req.path.id ?? '') };
});
