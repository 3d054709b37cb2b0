/** GET /payments-service/withdrawal/profile?user= (system role; beyond the contract): a user's withdrawal profile. */
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { profileView } from '../../lib/withdrawals/index.js';
import { profileOf } from '../../lib/withdrawals/profiles.js';
import { profileQuerySchema, profileViewSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/withdrawal/profile',
  family: paymentsFamily,
  auth: systemRole,
  summary: "A user's withdrawal profile (system role; not in the contract)",
  description: 'The profile as stored, or the configured defaults (updated_at null) while none was set.',
  query: profileQuerySchema,
  response: profileViewSchema,
  responseExample: { user: 'urn:authenticateit:user:3f7c9a2e', country: '036', level: 'basic', karma: 80, booster: 0, karma_value_withdrawal_enabled: true, updated_at: null },
  errors: { 400: 'Bad user (payments-bad_user)', 401: 'Missing, invalid or expired ticket', 403: 'Not a system ticket (payments-not_system)' },
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ query }) => ({ body: profileView(await profileOf(query.user)) }));
