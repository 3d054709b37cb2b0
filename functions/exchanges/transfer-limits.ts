/** POST /payments-service/transfer/limits (system role): a moderator's review of one Coinbase or Poloniex transfer. */
import { reviewExchangeTransfer } from '../../lib/exchanges/moderation.js';
import { transferLimitsAnswerSchema } from '../../lib/exchanges/moderation-schema.js';
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { exchangeTransferDecisionSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/transfer/limits',
  family: paymentsFamily,
  auth: systemRole,
  summary: "Review a transfer: the request, the user's latest withdrawals, limits and profile (system role)",
  description:
    "`{\"id\": <manual code>}`. `request` is the transfer with the prices it was asked at and its decision (`moderator_id`, `status_ts`); `history` the user's latest 10 withdrawals of every type, newest first; `limits` the user's limits in the month of the request (`record_value` is this request's value, `history_value` the month's withdrawals at the current price); `user` the user's withdrawal profile with the profile claims of the ticket they asked with.",
  body: exchangeTransferDecisionSchema,
  requestExample: { id: 'urn:authenticateit:transaction_request:d31b278c-ea2a-4a0e-94a6-6d7cb78c6472:manual' },
  response: transferLimitsAnswerSchema,
  errors: { 400: 'A bad id (payments-bad_id)', 401: 'Missing, invalid or expired ticket', 403: 'Not a system ticket (payments-not_system)', 404: 'No such transfer (payments-exchange_transfer_not_found)' },
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ body }) => ({ body: await reviewExchangeTransfer(body.id) }));
