/** GET /payments-service/retail_connect/v1/sessions: the user's active sessions. */
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { listRetailSessions } from '../../lib/retail/sessions.js';
import { retailSessionsSchema, sessionsQuerySchema } from '../../lib/retail/session-schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/retail_connect/v1/sessions',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Retail connect: your active sessions',
  description: 'Sessions not ended (rebate_set, terminate) nor expired, newest first; filtered by `code`, `participant_id` or `card_id` when given. A stale coin price quote is quoted again while the session waits for the amount or the payment.',
  query: sessionsQuerySchema,
  response: retailSessionsSchema,
  errors: { 400: 'A bad filter (payments-bad_<field>)', 401: 'Missing, invalid or expired ticket' },
  uses: ['identity', 'retail', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await listRetailSessions(caller.sub, query) }));
