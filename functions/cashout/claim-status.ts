/** GET /cashout/claim/{uuid}/status: where the claim is (the page polls it). */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { claimStatusView, getClaim } from '../../lib/cashout/claims.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => ({ body: claimStatusView(await getClaim(req.path.uuid ?? '')), headers: { 'cache-control': 'no-store' } }));
