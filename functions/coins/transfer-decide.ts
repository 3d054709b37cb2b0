/** POST /user/ethereum/transfer/{code}/approve|reject (signed link): the moderator's decision, once. */
import { decide } from '../../lib/coins/moderation.js';
import { decisionPathSchema } from '../../lib/coins/schema.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler, signedLink } from '../../lib/http/route.js';
import { errorPage } from '../../lib/html.js';

export const route = defineRoute({
  method: 'POST',
  path: '/user/ethereum/transfer/{code}/{decision}',
  family: paymentsFamily,
  auth: signedLink,
  summary: 'Moderator decision: approve or reject (the first decision wins; later clicks see who decided and when)',
  params: decisionPathSchema,
  html: true,
  htmlErrors: { when: 'always', page: errorPage },
  errors: { 400: 'Not a moderator link (the decision is approve or reject)', 403: 'The link is no longer valid: its moderator is no longer on the moderators list', 404: 'Tampered or unknown link', 410: 'Expired link' },
  uses: ['moderation', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ params }) => ({ html: (await decide(params.code, params.decision)).html }));
