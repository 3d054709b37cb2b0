/** POST /participants/topup (participant ticket): sets the participant's automatic coin top-up. */
import { INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { setTopUpSettings } from '../../lib/topups/index.js';
import { settingsExample, settingsRequestExample, topUpSettingsInputSchema, topUpSettingsSchema } from '../../lib/topups/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/participants/topup',
  alsoAt: '/participants/topup/',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Set the automatic coin top-up',
  description:
    "Replaces the participant's settings. When active, a top-up of `amount` cents (or of min_amount at the time, with `minimal_amount`: the answer's amount is then 0) is charged to the saved card and sent to the participant's deposit address whenever its deposit coins are at or below `coins_threshold`, at most once per 1 (daily), 7 (weekly) or 30 (monthly) days. `amount` must be at least min_amount at the current price unless `minimal_amount` is true. Needs what min_amount needs (a sold currency, a saved card, a price). Also served as `/participants/topup/`.",
  body: topUpSettingsInputSchema,
  requestExample: settingsRequestExample,
  response: topUpSettingsSchema,
  responseExample: settingsExample,
  errors: ticketErrors({
    400: `${INVALID_BODY}: \`payments-bad_amount\` (not a non-negative integer, or below min_amount; \`min_amount\` in error_data), \`payments-bad_coins_threshold\`, \`payments-bad_frequency\`, \`payments-bad_status\`, \`payments-bad_minimal_amount\``,
    403: 'Not a participant ticket (`payments-no_participant`)',
    409: 'No saved card (`payments-card_required`)',
    422: 'The participant currency is not sold (`payments-topup_currency_unsupported`) or has no coin price (`payments-no_price`)',
  }),
  uses: ['identity', 'topups', 'plans'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await setTopUpSettings(caller.participant, body) }));
