/** POST /payments-service/user/ethereum/transfer (identity ticket): a moderated transfer request. */
import { coinsConfig, coreConfig, identityConfig } from '../../lib/config/index.js';
import { requestTransfer, requireTicket } from '../../lib/coins/index.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
identityConfig();
coinsConfig();

export const handler = httpHandler(paymentsFamily, async (req) => ({ body: await requestTransfer(requireTicket(req.headers).sub, req.body) }));
