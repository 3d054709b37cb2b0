/** PUT /payments-service/retail_connect/v1/sessions/session/update/user: the user pays (payment_set) or ends the session. */
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { updateFromUser } from '../../lib/retail/sessions.js';
import { retailSessionSchema, userUpdateSchema } from '../../lib/retail/session-schema.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/retail_connect/v1/sessions/session/update/user',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Retail connect: the user pays with coins, or terminates the session',
  description:
    '`payment_set` (after the terminal’s `amount_set`, within the price quote’s timeout): `payment_coins` worth at most the program’s `coin_payments_rule.currency_value` cents and the amount, and `payment_value` = the amount less their value at the quoted price (floored to the cent). The coins leave your balance in the same transaction (held until the terminal confirms). `terminate` before the confirmation: paid coins come back.',
  body: userUpdateSchema,
  requestExample: { session_id: 'urn:authenticateit:retail_connect:session:a84a4c8a-de3c-4dfd-bc62-8a563af97e38', status_metadata: { status: 'payment_set', payment_reference: null, payment_value: 934, payment_coins: '158000000000000000000' } },
  response: retailSessionSchema,
  errors: {
    400: 'A bad update (payments-bad_<field>, payments-retail_bad_payment_value, payments-retail_bad_payment_reference)',
    401: 'Missing, invalid or expired ticket',
    404: 'No such session of yours (payments-retail_session_not_found)',
    409: 'Out of order, repeated or concurrent (payments-retail_bad_transition), or a stale price quote (payments-retail_price_expired)',
    410: 'The session expired (payments-retail_session_expired)',
    422: 'More coins than the program allows (payments-retail_over_coin_rule) or than you have (payments-retail_insufficient_coins)',
  },
  uses: ['identity', 'retail', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await updateFromUser(caller.sub, body.session_id, body.status_metadata) }));
