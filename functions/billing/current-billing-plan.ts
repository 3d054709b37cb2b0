/** GET /payments-service/participants/current/billing_plan (participant ticket): the participant's plan, trial, contract, card and notification emails. */
import { currentBillingPlan } from '../../lib/billing/accounts.js';
import { accountCardExample, billingPlanViewSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/participants/current/billing_plan',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "The participant's billing plan",
  description:
    "The ticket's participant's billing account. A participant's first request to billing starts its trial (TRIAL_DAYS days from then): during it `plan` is `complete` (every module is on), `trial` is `{form, status: true, to}` (`form` is the start) and `card`, `paid_from`, `paid_to` may be null. Once a plan is chosen, `trial` is `{status: false}`, `contract` has `from`/`to` and the paid period its days (YYYY-MM-DD). `user_email` lists where billing notifications go.",
  response: billingPlanViewSchema,
  responseExample: {
    card: accountCardExample,
    contract: { from: '2025-07-11', terminate_available: true, terminated: false, to: '2026-07-10' },
    paid_from: '2025-07-24',
    paid_to: '2025-08-23',
    plan: 'light',
    trial: { status: false },
    updated_at: '2025-07-11T14:41:30Z',
    user_email: ['billing@example.com'],
  },
  errors: ticketErrors({ 403: 'Not a participant ticket (`payments-no_participant`)' }),
  uses: ['identity', 'plans'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await currentBillingPlan(caller.participant) }));
