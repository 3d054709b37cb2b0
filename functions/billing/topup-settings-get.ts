/** GET /participants/topup (participant ticket): the participant's automatic coin top-up settings. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { topUpSettings } from '../../lib/topups/index.js';
import { storedSettingsExample, topUpSettingsSchema } from '../../lib/topups/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/participants/topup',
  alsoAt: '/participants/topup/',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Get the automatic coin top-up settings',
  description: "The participant's own settings as set (`currency`: the participant currency when they were set). Also served as `/participants/topup/`.",
  response: topUpSettingsSchema,
  responseExample: storedSettingsExample,
  errors: ticketErrors({ 403: 'Not a participant ticket (`payments-no_participant`)', 404: 'No settings (`payments-topup_settings_not_found`)' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await topUpSettings(caller.participant) }));
