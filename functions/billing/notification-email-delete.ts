/** POST /payments-service/participants/notifications/delete_email (participant ticket): removes a notification address. */
import { removeNotificationEmail, billingCaller } from '../../lib/billing/accounts.js';
import { notificationEmailsSchema, removeNotificationEmailSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/participants/notifications/delete_email',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Remove a notification email',
  description:
    "Removes `email` (letter case ignored) from the participant's notification emails and answers the list; an address not on it leaves the list as it is. Same rule as adding: only the user who activated billing or set the card, or the system role (`payments-not_billing_owner`, 403).",
  body: removeNotificationEmailSchema,
  requestExample: { email: 'foo@bar.com' },
  response: notificationEmailsSchema,
  responseExample: ['some_user@gmail.com', 'foo1@bar.com'],
  errors: ticketErrors({
    400: 'No or invalid email (`payments-bad_email`, `payments-invalid_email`)',
    403: 'Not a participant ticket, or not the user who activated billing or set the card (`payments-not_billing_owner`)',
  }),
  uses: ['identity', 'plans'],
});

export const handler = routeHandler(route, async ({ body, caller }) => ({
  body: await removeNotificationEmail(billingCaller(caller.claims, caller.participant), body.email),
}));
