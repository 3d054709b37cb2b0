/** GET /cashout/claim/{uuid}: the page a customer opens to enter their card, then watch the payment. */
import { getClaim } from '../../lib/cashout/claims.js';
import { CLAIM_PAGE_HEADERS, claimMessagePage, claimPage } from '../../lib/cashout/pages.js';
import { claimPathSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';
import { errorPage } from '../../lib/html.js';

export const route = defineRoute({
  method: 'GET',
  path: '/cashout/claim/{uuid}',
  family: cashoutFamily,
  auth: publicRoute,
  summary: 'The hosted claim page for the customer',
  params: claimPathSchema,
  html: true,
  htmlErrors: {
    when: 'always',
    page: (err) =>
      err.code === 'claim_not_found'
        ? { status: 404, html: claimMessagePage('Claim not found', 'This cash-out link is not valid. Check the link in the app you came from.') }
        : errorPage(err),
  },
  errors: { 400: 'Invalid uuid', 404: 'Unknown claim' },
  uses: ['cashout'],
});

export const handler = routeHandler(route, async ({ params }) => ({ html: claimPage(await getClaim(params.uuid)), headers: CLAIM_PAGE_HEADERS }));
