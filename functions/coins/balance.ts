/** GET /payments-service/user/ethereum/balance (identity ticket). */
import { coinsConfig, coreConfig, identityConfig } from '../../lib/config/index.js';
import { coinsBalance, requireTicket } from '../../lib/coins/index.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
identityConfig();
coinsConfig();

export const handler = httpHandler(paymentsFamily, async (req) => ({ body: await coinsBalance(requireTicket(req.headers).sub) }));
