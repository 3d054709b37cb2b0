/** POST /payments-service/retail_connect/v1/sessions/session/init: a store terminal starts a session with the customer's code. */
import { terminalDevice } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { initRetailSession } from '../../lib/retail/sessions.js';
import { retailSessionSchema, sessionInitSchema } from '../../lib/retail/session-schema.js';
import { terminalOf } from '../../lib/http/auth/retail-callers.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/retail_connect/v1/sessions/session/init',
  family: paymentsFamily,
  auth: terminalDevice,
  summary: 'Retail connect: start a session from the terminal with the customer’s code',
  description:
    'The terminal’s device ticket and its operator’s identity ticket (of the same participant). A code starts one session at most, at a terminal of its participant. The session starts `init` with a coin price quote (`coin_price`, valid `timeout_sec`) and the loyalty program with the user’s level; it expires after `timeout` seconds.',
  body: sessionInitSchema,
  response: retailSessionSchema,
  errors: {
    400: 'Not a code of this platform (payments-retail_bad_code)',
    401: 'Missing or invalid tickets (payments-no_device, payments-bad_device, payments-bad_ticket)',
    403: 'The operator is not of the device’s participant (payments-device_not_operator), or the code is for another participant’s stores (payments-retail_code_other_participant)',
    404: 'The participant has no loyalty program (payments-retail_program_not_found)',
    409: 'The code already started a session (payments-retail_code_used), or the program is inactive (payments-retail_program_inactive)',
    410: 'The code expired (payments-retail_code_expired)',
  },
  uses: ['identity', 'retail', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await initRetailSession(terminalOf(caller), body.code) }));
