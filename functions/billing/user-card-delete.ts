/** DELETE /payments-service/user/card (participant ticket): removes the participant's card. */
import { removeCard } from '../../lib/billing/account-card.js';
import { billingPlanViewSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'DELETE',
  path: '/payments-service/user/card',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "Remove the participant's card",
  description:
    'Removes the card from the account and from the payment provider; answers the billing plan as `GET /payments-service/participants/current/billing_plan` does (`card` null; also when there was no card). Refused with `payments-card_required` (409) while the participant is on a paid plan (every plan but `basic`): change to `basic` first. Allowed during the trial.',
  response: billingPlanViewSchema,
  errors: ticketErrors({ 403: 'Not a participant ticket (`payments-no_participant`)', 409: 'On a paid plan (`payments-card_required`)', 503: 'The card payment provider is unavailable' }),
  uses: ['identity', 'plans', 'billing'],
});

export const handler = routeHandler(route, async ({ caller }) => {
  return { body: await removeCard(caller.participant) };
});
