/** POST /cashout/register: a provider registers its paying card and webhook endpoint. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { registerProvider } from '../../lib/cashout/providers.js';
import { registerSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => ({ body: await registerProvider(validate(registerSchema, req.body)) }));
