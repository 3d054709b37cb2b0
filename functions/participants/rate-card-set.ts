/** POST /payments-service/participants/rate_card/{id} (system role): sets the default rate card or a participant's. */
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { setRateCard } from '../../lib/ratecards/index.js';
import { rateCardExample, rateCardPathSchema, rateCardResponseSchema, setRateCardSchema } from '../../lib/ratecards/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/participants/rate_card/{id}',
  family: paymentsFamily,
  auth: systemRole,
  summary: 'Set a rate card (system role)',
  description:
    '`id` is default (the default card) or a participant id (that participant\'s card). `items` name catalogue items (clicks, completed_video, approved_reviews, impressions_revenue, transactional_data), each once, with a non-negative `value`; `user_rewards` has percents, value (non-negative numbers) or coins (a decimal string). The answer is the card as GET answers it.',
  params: rateCardPathSchema,
  body: setRateCardSchema,
  requestExample: {
    billable: true,
    budget: { day: 20, week: 30, month: 40 },
    gst: 10,
    items: [
      { id: 'clicks', value: 0.1 },
      { id: 'completed_video', value: 0.1 },
      { id: 'approved_reviews', value: 0.1 },
      { id: 'impressions_revenue', value: 0.2 },
      { id: 'transactional_data', value: 0.3 },
    ],
    user_rewards: { percents: 0.25 },
  },
  response: rateCardResponseSchema,
  responseExample: rateCardExample,
  errors: {
    400: 'Bad id or body (payments-bad_<field>)',
    401: 'Missing, invalid or expired ticket',
    403: 'Not a system ticket (payments-not_system)',
    422: 'No coin price is set (payments-no_price)',
  },
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, params, body }) => ({ body: await setRateCard(params.id, body, caller.sub) }));
