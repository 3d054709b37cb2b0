/** POST /cashout/generate/{name} (Bearer): a claim for one customer cash-out; idempotent on the provider's id. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { generateClaim } from '../../lib/cashout/claims.js';
import { authenticateProvider } from '../../lib/cashout/providers.js';
import { generateSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';
import { ApiError } from '../../lib/http/errors.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => {
  const provider = await authenticateProvider(req.headers);
  if (req.path.name !== provider.name) throw new ApiError(403, 'forbidden', `this API key belongs to ${provider.name}, not ${req.path.name}`);
  const { result, uuid, created } = await generateClaim(provider, validate(generateSchema, req.body));
  return { status: created ? 201 : 200, body: { result, uuid } };
});
