/** POST /participants/topup/manual (participant ticket): a coin top-up now, charged synchronously; idempotent with an Idempotency-Key. */
import { idempotencyKeyHeader, INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { header } from '../../lib/http/body.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { manualTopUp } from '../../lib/topups/chain.js';
import { manualTopUpSchema, successfulChainExample, topUpChainSchema } from '../../lib/topups/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/participants/topup/manual',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Top up coins now',
  description:
    "Starts a top-up chain now, whatever the settings (threshold, frequency): charges `amount` cents (at least min_amount) to the saved card and, once charged, sends the coins to the participant's deposit address on chain. Answers the chain as one element of the history v2: a declined card is a `failure` chain with the decline as `reason` (still a 200: the chain is in the history); the topup step is `pending` until the chain transfer settles (then success, or failure and a refund). When the card payment provider cannot be reached, the charge step is `pending` and the chain goes on by itself (never charged twice).",
  body: manualTopUpSchema,
  headers: [idempotencyKeyHeader('participant', 'amount', 'chain', 'charges nothing')],
  requestExample: { amount: 2000 },
  response: topUpChainSchema,
  responseExample: successfulChainExample,
  errors: ticketErrors({
    400: `${INVALID_BODY}: \`payments-bad_amount\` (not a non-negative integer, or below min_amount; \`min_amount\` in error_data), or an Idempotency-Key that is not 1 to 255 printable ASCII characters (\`payments-bad_idempotency_key\`)`,
    403: 'Not a participant ticket (`payments-no_participant`)',
    409: 'No saved card (`payments-card_required`), or the Idempotency-Key was already used with another amount (`payments-idempotency_key_reused`)',
    422: 'The participant currency is not sold (`payments-topup_currency_unsupported`) or has no coin price (`payments-no_price`)',
  }),
  uses: ['identity', 'topups', 'plans', 'billing', 'deposit'],
});

export const handler = routeHandler(route, async ({ caller, body, headers }) => ({ body: await manualTopUp(caller.participant, body, header(headers, 'Idempotency-Key')) }));
