/** DELETE /participants/topup (participant ticket): removes the participant's automatic coin top-up settings. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { deleteTopUpSettings } from '../../lib/topups/index.js';
import { storedSettingsExample, topUpSettingsSchema } from '../../lib/topups/schema.js';

export const route = defineRoute({
  method: 'DELETE',
  path: '/participants/topup',
  alsoAt: '/participants/topup/',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Delete the automatic coin top-up settings',
  description:
    'No automatic top-up starts after this; chains already started go on. Answers the settings as they were. Also served as `/participants/topup/`.',
  response: topUpSettingsSchema,
  responseExample: storedSettingsExample,
  errors: ticketErrors({ 403: 'Not a participant ticket (`payments-no_participant`)', 404: 'No settings to delete (`payments-topup_settings_not_found`)' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await deleteTopUpSettings(caller.participant) }));
