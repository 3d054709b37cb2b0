/**
 * GET /user/ethereum/transfer/{code}/approve|reject (signed link): the moderator's confirmation page. Mail
 * scanners prefetch links, so a GET decides nothing; the page's form POSTs the decision (transfer-decide.ts).
 */
import { confirmationPage } from '../../lib/coins/moderation.js';
import { decisionPathSchema } from '../../lib/coins/schema.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler, signedLink } from '../../lib/http/route.js';
import { errorPage } from '../../lib/html.js';

export const route = defineRoute({
  method: 'GET',
  path: '/user/ethereum/transfer/{code}/{decision}',
  family: paymentsFamily,
  auth: signedLink,
  summary: 'Moderator link: a confirmation page to approve or reject (a GET decides nothing: mail scanners prefetch links)',
  params: decisionPathSchema,
  html: true,
  htmlErrors: { when: 'always', page: errorPage },
  errors: { 400: 'Not a moderator link (the decision is approve or reject)', 403: 'The link is no longer valid: its moderator is no longer on the moderators list', 404: 'Tampered or unknown link', 410: 'Expired link' },
  uses: ['moderation'],
});

export const handler = routeHandler(route, async ({ params }) => ({ html: await confirmationPage(params.code, params.decision) }));
