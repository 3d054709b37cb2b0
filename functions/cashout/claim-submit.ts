/** POST /cashout/claim/{uuid}: the customer's card (form from the claim page, or JSON); forms get the page back. */
import { claimStatusView, getClaim, submitClaim } from '../../lib/cashout/claims.js';
import { CLAIM_PAGE_HEADERS, claimMessagePage, claimPage } from '../../lib/cashout/pages.js';
import { claimPathSchema, claimStatusResponseSchema, claimSubmitSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';
import { errorPage } from '../../lib/html.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/claim/{uuid}',
  family: cashoutFamily,
  auth: publicRoute,
  summary: "Submit the customer's card (form from the page, or JSON)",
  description:
    'Once per claim: a second submission, even concurrent, is duplicate_claim. JSON answers 202 with the status; the form is redirected back to the page, which shows progress.',
  params: claimPathSchema,
  body: claimSubmitSchema,
  requestExample: { pan: '4111111111111111', expDate: '2812', name: 'Customer Name', mobile: '+249912345678' },
  response: claimStatusResponseSchema,
  status: 202,
  errors: { 400: 'Invalid card field', 404: 'Unknown claim', 409: 'duplicate_claim', 410: 'claim_expired' },
  htmlErrors: {
    when: 'forms',
    // A form with a mistake (a typo failing the Luhn check) gets the claim page back with the message.
    page: async (err, { path }) => {
      try {
        if (err.status === 400) return { status: 400, html: claimPage(await getClaim(path.uuid ?? ''), err.message), headers: CLAIM_PAGE_HEADERS };
        if (err.code === 'duplicate_claim') return { status: 409, html: claimPage(await getClaim(path.uuid ?? '')), headers: CLAIM_PAGE_HEADERS };
      } catch {
        return errorPage(err); // no such claim: say what went wrong
      }
      return { status: err.status, html: claimMessagePage(err.status === 410 ? 'Claim expired' : 'Cannot cash out', err.message) };
    },
  },
  uses: ['cashout', 'cardVault'],
});

export const handler = routeHandler(route, async ({ params: { uuid }, body, fromForm }) => {
  const claim = await submitClaim(uuid, body);
  return fromForm ? { status: 303, headers: { location: `/cashout/claim/${uuid}` }, html: '' } : { status: 202, body: claimStatusView(claim) };
});
