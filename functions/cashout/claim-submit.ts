/** POST /cashout/claim/{uuid}: the customer's card (form from the page, or JSON). Forms get the page back. */
import { cashoutConfig, coreConfig } from '../../lib/config/index.js';
import { claimStatusView, getClaim, submitClaim } from '../../lib/cashout/claims.js';
import { claimMessagePage, claimPage } from '../../lib/cashout/pages.js';
import { claimSubmitSchema } from '../../lib/cashout/schema.js';
import { header } from '../../lib/http/body.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';
import { ApiError } from '../../lib/http/errors.js';

coreConfig();
cashoutConfig();

export const handler = httpHandler(cashoutFamily, async (req) => {
  const uuid = req.path.uuid ?? '';
  const fromForm = (header(req.event, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
  try {
    const claim = await submitClaim(uuid, validate(claimSubmitSchema, req.body));
    return fromForm ? { status: 303, headers: { location: `/cashout/claim/${uuid}` }, html: '' } : { status: 202, body: claimStatusView(claim) };
  } catch (err) {
    if (!fromForm || !(err instanceof ApiError)) throw err;
    if (err.status === 400) return { status: 400, html: claimPage(await getClaim(uuid), err.message) };
    if (err.code === 'duplicate_claim') return { status: 409, html: claimPage(await getClaim(uuid)) };
    return { status: err.status, html: claimMessagePage(err.status === 410 ? 'Claim expired' : 'Cannot cash out', err.message) };
  }
});
