/** GET /payments-service/retail_connect/v1/sessions/session: one session, for its user or a terminal of its participant. */
import { userOrTerminal } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { readRetailSession } from '../../lib/retail/sessions.js';
import { retailSessionSchema, sessionQuerySchema } from '../../lib/retail/session-schema.js';
import { sessionCallerOf } from '../../lib/http/auth/retail-callers.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/retail_connect/v1/sessions/session',
  family: paymentsFamily,
  auth: userOrTerminal,
  summary: 'Retail connect: read a session',
  description: 'With a device ticket (and its operator’s identity ticket) a terminal reads a session of its participant; without, a user reads their own. Any other session is not found. A stale coin price quote is quoted again while the session waits for the amount or the payment.',
  query: sessionQuerySchema,
  response: retailSessionSchema,
  errors: { 400: 'A bad session_id (payments-bad_session_id)', 401: 'Missing or invalid tickets', 403: 'The operator is not of the device’s participant (payments-device_not_operator)', 404: 'No such session of yours (payments-retail_session_not_found)' },
  uses: ['identity', 'retail', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await readRetailSession(sessionCallerOf(caller), query.session_id) }));
