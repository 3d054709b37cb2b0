/** PUT /payments-service/retail_connect/v1/sessions/session/update/terminal: the terminal sets the amount, confirms the payment, or ends the session. */
import { terminalDevice } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { updateFromTerminal } from '../../lib/retail/sessions.js';
import { retailSessionSchema, terminalUpdateSchema } from '../../lib/retail/session-schema.js';
import { terminalOf } from '../../lib/http/auth/retail-callers.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/retail_connect/v1/sessions/session/update/terminal',
  family: paymentsFamily,
  auth: terminalDevice,
  summary: 'Retail connect: the terminal sets the amount, confirms the payment, or terminates the session',
  description:
    '`amount_set` (from `init`): `amount_value` in cents and `payment_method` (cash: `payment_reference` null; cashless: its reference); the coin price is quoted again. `payment_confirm` (after the user’s `payment_set`): the purchase is final; the paid coins go to the participant, the rebate (`amount_value` x the user’s level rebate % at the quoted price) from the participant’s deposit to the user, and the purchase counts toward the user’s level; the session answers `rebate_set`. `terminate` before the confirmation: paid coins go back to the user.',
  body: terminalUpdateSchema,
  requestExample: { session_id: 'urn:authenticateit:retail_connect:session:a84a4c8a-de3c-4dfd-bc62-8a563af97e38', status_metadata: { status: 'amount_set', payment_method: 'cash', amount_value: 1000 } },
  response: retailSessionSchema,
  errors: {
    400: 'A bad update (payments-bad_<field>, payments-retail_bad_payment_reference)',
    401: 'Missing or invalid tickets (payments-no_device, payments-bad_device, payments-bad_ticket)',
    403: 'The operator is not of the device’s participant (payments-device_not_operator)',
    404: 'No such session at this participant (payments-retail_session_not_found)',
    409: 'Out of order, repeated or concurrent (payments-retail_bad_transition), or the participant’s deposit cannot pay the rebate (payments-retail_deposit_insufficient)',
    410: 'The session expired (payments-retail_session_expired)',
  },
  uses: ['identity', 'retail', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await updateFromTerminal(terminalOf(caller), body.session_id, body.status_metadata) }));
