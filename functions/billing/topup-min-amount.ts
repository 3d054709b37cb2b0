/** GET /participants/topup/min_amount (participant ticket): the smallest coin top-up, and whether the participant can top up. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { minAmount } from '../../lib/topups/index.js';
import { minAmountExample, minAmountSchema } from '../../lib/topups/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/participants/topup/min_amount',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'The smallest coin top-up',
  description:
    '`amount`: the price of TOPUP_MIN_COINS whole coins (`coins`, in wei) at the current coin price, in cents of the participant currency, rounded up to the cent. Also tells whether the participant can top up: refused with `payments-topup_currency_unsupported` (422) when its currency has no coin price (top-ups are sold in aud, sgd and usd), `payments-card_required` (409) without a saved card, `payments-no_price` (422) when no price is set.',
  response: minAmountSchema,
  responseExample: minAmountExample,
  errors: ticketErrors({
    403: 'Not a participant ticket (`payments-no_participant`)',
    409: 'No saved card (`payments-card_required`)',
    422: 'The participant currency is not sold (`payments-topup_currency_unsupported`) or has no coin price (`payments-no_price`)',
  }),
  uses: ['identity', 'topups', 'plans'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await minAmount(caller.participant) }));
