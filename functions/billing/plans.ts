/** GET /payments-service/billing_plans (identity ticket): the billing plans in force and their currency. */
import { billingPlans } from '../../lib/billing/plans.js';
import { billingPlansSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/billing_plans',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'The billing plans',
  description: 'Every plan of the document the operator set (or the built-in one), with its features as a map; `currency` is the configured billing currency.',
  response: billingPlansSchema,
  responseExample: {
    currency: 'usd',
    id: 'shping_payments_plans',
    list: [
      {
        commitment_period: 52,
        cost: 195,
        description: 'Lite plan',
        description_list: { GTIN: '1-20', Reviews: true, Rewards: false },
        hidden: false,
        id: 'light',
        modules: ['product360', 'reviews'],
        name: 'LIGHT',
        coin_rate: 0.1,
      },
    ],
  },
  errors: ticketErrors(),
  uses: ['identity', 'plans'],
});

export const handler = routeHandler(route, async () => ({ body: await billingPlans() }));
