/** GET /payments-service/participants/rate_card (identity ticket): a participant's own rate card (or the default); the system role reads any. */
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { readRateCard } from '../../lib/ratecards/index.js';
import { rateCardExample, rateCardQuerySchema, rateCardResponseSchema } from '../../lib/ratecards/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/participants/rate_card',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Read a rate card',
  description:
    "A system ticket names the card with the `id` query parameter (default, or a participant id: the participant's own card, else the default). A participant ticket reads its own card, or the default while it has none. `adjustment` is each item's value in whole coins at the current aud price (floored); `price` and `price_at` state that price.",
  query: rateCardQuerySchema,
  response: rateCardResponseSchema,
  responseExample: rateCardExample,
  errors: {
    400: 'Bad id, or no id with a system ticket (payments-bad_id, payments-id_required)',
    401: 'Missing, invalid or expired ticket',
    403: 'Neither a participant nor a system ticket, or another participant named (payments-no_participant, payments-foreign_rate_card)',
    422: 'No coin price is set (payments-no_price)',
  },
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await readRateCard(caller, query.id) }));
