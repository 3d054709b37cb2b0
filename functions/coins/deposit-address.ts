/** GET /user/ethereum/deposit (identity ticket): the user's own deposit address. */
import { coreConfig, depositConfig, identityConfig } from '../../lib/config/index.js';
import { requireTicket } from '../../lib/coins/index.js';
import { depositAddress } from '../../lib/coins/deposits.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
identityConfig();
depositConfig();

export const handler = httpHandler(paymentsFamily, async (req) => ({ body: await depositAddress(requireTicket(req.headers).sub) }));
