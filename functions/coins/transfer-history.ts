/** GET /payments-service/user/ethereum/transfer/history (identity ticket): the user's transfers, newest first. */
import { coreConfig, identityConfig } from '../../lib/config/index.js';
import { requireTicket, transferHistory } from '../../lib/coins/index.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
identityConfig();

export const handler = httpHandler(paymentsFamily, async (req) => ({ body: await transferHistory(requireTicket(req.headers).sub) }));
