/** POST /textcoin/{code}: claim an emailed cashback to an Ethereum address (form from the page, or JSON). */
import { coreConfig, linksConfig } from '../../lib/config/index.js';
import { ApiError } from '../../lib/http/errors.js';
import { platformFamily } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';
import { header } from '../../lib/http/body.js';
import { claimTextcoin } from '../../lib/payouts/index.js';
import { claimedPage, messagePage } from '../../lib/payouts/pages.js';
import { textcoinClaimSchema } from '../../lib/payouts/schema.js';

coreConfig();
linksConfig();

export const handler = httpHandler(platformFamily, async (req) => {
  const fromBrowser = (header(req.event, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
  try {
    const { address } = validate(textcoinClaimSchema, req.body);
    const claim = await claimTextcoin(req.path.code ?? '', address);
    if (fromBrowser) return { html: claimedPage(claim) };
    return { body: { result: 'ok', unit: claim.claimUnit, address: claim.address, amount: claim.amount } };
  } catch (err) {
    if (fromBrowser && err instanceof ApiError && err.status < 500) return { status: err.status, html: messagePage('Claim failed', err.message) };
    throw err;
  }
});
