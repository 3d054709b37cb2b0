/** GET /participants/promo_code/check (participant ticket): whether a promo code can be redeemed, and its days. */
import { checkPromoCode } from '../../lib/billing/promo-codes.js';
import { promoCodeCheckSchema, promoCodeQuerySchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/participants/promo_code/check',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Check a promo code',
  description:
    'The code (letter case does not matter) and the days it adds to the paid period when the participant can redeem it on a plan change. Refusals: `payments-promo_code_unknown` (404), `payments-promo_code_disabled` (410), `payments-promo_code_expired` (410), `payments-promo_code_used_up` (409), `payments-promo_code_already_redeemed` (409), `payments-bad_code` (400, no code).',
  query: promoCodeQuerySchema,
  response: promoCodeCheckSchema,
  responseExample: { code: 'promo60', days_value: 60 },
  errors: ticketErrors({
    400: 'No code (`payments-bad_code`)',
    403: 'Not a participant ticket',
    404: 'Unknown promo code (`payments-promo_code_unknown`)',
    409: 'Every use of the code taken (`payments-promo_code_used_up`) or the participant already redeemed it (`payments-promo_code_already_redeemed`)',
    410: 'The code expired (`payments-promo_code_expired`) or was disabled (`payments-promo_code_disabled`)',
  }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ query, caller }) => ({ body: await checkPromoCode(query.code, caller.participant) }));
