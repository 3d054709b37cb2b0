/** GET /participants/topup/history?format=v2 (participant ticket): the participant's coin top-up chains. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { topUpHistory } from '../../lib/topups/index.js';
import { historyExample, MAX_HISTORY_LIMIT, topUpHistoryQuerySchema, topUpHistorySchema } from '../../lib/topups/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/participants/topup/history',
  family: paymentsFamily,
  auth: participantTicket,
  summary: 'Coin top-up history (v2)',
  description:
    "The participant's own top-up chains, newest first, each with its steps newest first: charge (success/failure) -> topup (pending, then success with `coins` and the chain transaction `hash`, or failure) -> refund (success/failure) after a failed topup. A chain is `failure` when its charge or topup failed, `success` when the coins were sent, else `pending`. The outer `amount` is in major units (510 cents: 5.1); step amounts are cents. Failures carry a `reason` ending with when. The exchange steps of the former system (`topup_history`) are not produced. Only `format=v2` is served (another format: `payments-bad_format`, 400). Paged with `limit` (1 to 100, default 100) and `offset`.",
  query: topUpHistoryQuerySchema,
  response: topUpHistorySchema,
  responseExample: historyExample,
  errors: ticketErrors({ 400: 'format is not v2 (`payments-bad_format`), or a bad `limit`/`offset`', 403: 'Not a participant ticket (`payments-no_participant`)' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({
  body: await topUpHistory(caller.participant, query.limit === undefined ? MAX_HISTORY_LIMIT : Number(query.limit), query.offset === undefined ? 0 : Number(query.offset)),
}));
