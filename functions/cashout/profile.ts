/** PUT /cashout/profile (Bearer): update card and endpoint; rotates the webhook secret unless told not to. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateProvider, updateProfile } from '../../lib/cashout/providers.js';
import { profileSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => {
  const provider = await authenticateProvider(req.headers);
  return { body: await updateProfile(provider, validate(profileSchema, req.body)) };
});
