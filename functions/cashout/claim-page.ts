/** GET /cashout/claim/{uuid}: the page a customer opens to enter their card, then watch the payment. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { getClaim } from '../../lib/cashout/claims.js';
import { claimMessagePage, claimPage } from '../../lib/cashout/pages.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';
import { ApiError } from '../../lib/http/errors.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => {
  try {
    return { html: claimPage(await getClaim(req.path.uuid ?? '')) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { status: 404, html: claimMessagePage('Claim not found', 'This cash-out link is not valid. Check the link in the app you came from.') };
    throw err;
  }
});
