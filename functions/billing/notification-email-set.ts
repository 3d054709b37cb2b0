/** PUT /payments-service/participants/notifications/email (participant ticket): adds an address billing notifications go to. */
import { addNotificationEmail, requestedEmail, billingCaller } from '../../lib/billing/accounts.js';
import { addNotificationEmailSchema, notificationEmailsSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/participants/notifications/email',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Add a notification email',
  description:
    "Adds `email`, or the email of the email user id `user_id` (`urn:authenticateit:user:email:<email>`; other user ids are refused with `payments-unsupported_user_id`), to the participant's notification emails and answers the list. Letter case is ignored when comparing (an address already listed is not added twice); at most 10 addresses (`payments-too_many_notification_emails`, 409). Only the user who activated billing or set the card, or a ticket with the system role, may change the list (`payments-not_billing_owner`, 403).",
  body: addNotificationEmailSchema,
  requestExample: { email: 'foo@bar.com' },
  response: notificationEmailsSchema,
  responseExample: ['some_user@gmail.com', 'foo@bar.com', 'foo1@bar.com'],
  errors: ticketErrors({
    400: 'No or invalid email (`payments-invalid_email`), or a user id that is not an email urn (`payments-unsupported_user_id`)',
    403: 'Not a participant ticket, or not the user who activated billing or set the card (`payments-not_billing_owner`)',
    409: 'Already 10 addresses (`payments-too_many_notification_emails`)',
  }),
  uses: ['identity', 'plans'],
});

export const handler = routeHandler(route, async ({ body, caller }) => ({
  body: await addNotificationEmail(billingCaller(caller.claims, caller.participant), requestedEmail(body)),
}));
