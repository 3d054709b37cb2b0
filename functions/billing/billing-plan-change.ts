/** PUT /payments-service/participants/current/billing_plan (participant ticket): changes the participant's plan, paid now from its card. */
import { billingCaller } from '../../lib/billing/accounts.js';
import { changePlan, planChangeInput } from '../../lib/billing/payments.js';
import { accountCardExample, billingPlanViewSchema, planChangeSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/participants/current/billing_plan',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "Change the participant's billing plan",
  description:
    "Changes the ticket's participant's plan and answers the billing plan as `GET` does. A `card` given (a provider token in `nonce`, the preferred way, or card details) is saved first, as `PUT /payments-service/user/card/{token}` saves one. Every plan but `basic` needs a card. An upgrade is possible at any time, a downgrade (to a cheaper plan) only after the current plan's commitment period (`commitment_period` weeks from the day it was chosen). The change starts a new monthly period today and is paid at once: the new plan's cost, plus the rewards coins used since the current period began at its plan's `coin_rate`, less the unused part of the current period (its plan cost × days left / days in it, floored to the cent) and any credit carried; credit beyond the charge is carried to the next payments. A `promo_code` adds its days to the new period. Choosing the plan the participant is on and paid for changes nothing. Refusals leave the plan unchanged: `payments-card_declined` (402, `decline_code` in `error_data`), `payments-commitment_period` (409, `commitment_ends`), `payments-card_required` (409), `payments-payment_in_progress` (409: another change or a renewal is being paid; retry), `payments-unknown_plan` (400), the promo code refusals of `GET /participants/promo_code/check`.",
  body: planChangeSchema,
  requestExample: { plan: 'standard', card: { nonce: 'tok_visa' } },
  response: billingPlanViewSchema,
  responseExample: {
    card: accountCardExample,
    contract: { from: '2026-11-24', terminate_available: false, terminated: false, to: '2027-11-23' },
    paid_from: '2026-11-24',
    paid_to: '2026-12-24',
    plan: 'pro',
    trial: { status: false },
    updated_at: '2026-11-24T14:41:30Z',
    user_email: ['billing@example.com'],
  },
  errors: ticketErrors({
    400: 'Unknown plan (`payments-unknown_plan`), invalid card details (`payments-invalid_card`) or body (`payments-bad_request`)',
    402: 'The card was declined (`payments-card_declined`)',
    403: 'Not a participant ticket (`payments-no_participant`)',
    404: 'Unknown promo code (`payments-promo_code_unknown`)',
    409: 'Downgrade inside the commitment (`payments-commitment_period`), no card for a paid plan (`payments-card_required`), a payment in progress (`payments-payment_in_progress`), promo code used up or already redeemed',
    410: 'The promo code expired or was disabled',
    503: 'The card payment provider is unavailable (`payments-card_provider_unavailable`): the payment completes when it answers',
  }),
  uses: ['identity', 'plans', 'billing'],
});

export const handler = routeHandler(route, async ({ body, caller }) => ({ body: await changePlan(billingCaller(caller.claims, caller.participant), planChangeInput(body)) }));
