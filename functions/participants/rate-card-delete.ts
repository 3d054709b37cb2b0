/** DELETE /payments-service/participants/rate_card/{id} (system role): deletes a participant's own card (the default applies again). */
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { deleteRateCard } from '../../lib/ratecards/index.js';
import { participantCardPathSchema, rateCardExample, rateCardResponseSchema } from '../../lib/ratecards/schema.js';

export const route = defineRoute({
  method: 'DELETE',
  path: '/payments-service/participants/rate_card/{id}',
  family: paymentsFamily,
  auth: systemRole,
  summary: "Delete a participant's rate card (system role)",
  description: "`id` is a participant id. The answer is the card that now applies to the participant (the default).",
  params: participantCardPathSchema,
  response: rateCardResponseSchema,
  responseExample: rateCardExample,
  errors: {
    400: 'Bad id: not a participant id (payments-bad_id)',
    401: 'Missing, invalid or expired ticket',
    403: 'Not a system ticket (payments-not_system)',
    404: 'The participant has no card of its own (payments-rate_card_not_found)',
    422: 'No coin price is set (payments-no_price)',
  },
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ params }) => ({ body: await deleteRateCard(params.id) }));
