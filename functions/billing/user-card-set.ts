/** PUT /payments-service/user/card/{token} (participant ticket): saves the card of a provider token as the participant's card. */
import { setCard } from '../../lib/billing/account-card.js';
import { accountCardExample, accountCardSchema, cardTokenParamsSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { billingCaller } from '../../lib/billing/accounts.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/user/card/{token}',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "Set the participant's card",
  description:
    "Saves the card of a token made by the payment provider's client library (Stripe `tok_...`) as the participant's card, replacing the previous one (removed at the provider), and answers it as the billing plan shows it. The ticket's user is recorded as the one who set the card (so it may change the notification emails) and, when its id is an email urn, its email joins the notification list (when it has room). A refused card leaves the account as it was: `payments-card_declined` (402, `decline_code` in `error_data`), `payments-invalid_card` (400, `reason` in `error_data`), `payments-card_provider_unavailable` (503).",
  params: cardTokenParamsSchema,
  response: accountCardSchema,
  responseExample: accountCardExample,
  errors: ticketErrors({
    400: 'Invalid, expired or unknown card token (`payments-invalid_card`, `payments-bad_token`)',
    402: 'The card was declined (`payments-card_declined`)',
    403: 'Not a participant ticket (`payments-no_participant`)',
    503: 'The card payment provider is unavailable (`payments-card_provider_unavailable`)',
  }),
  uses: ['identity', 'plans', 'billing'],
});

export const handler = routeHandler(route, async ({ params, caller }) => ({
  body: await setCard(billingCaller(caller.claims, caller.participant), { token: params.token }),
}));
