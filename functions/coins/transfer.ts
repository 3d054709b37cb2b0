/** POST /payments-service/user/ethereum/transfer (identity ticket): a moderated transfer request, idempotent with an Idempotency-Key. */
import { requestTransfer } from '../../lib/coins/index.js';
import { idempotencyKeyHeader, INVALID_BODY, ticketErrors, transferRequestedSchema, transferSchema } from '../../lib/coins/schema.js';
import { header } from '../../lib/http/body.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/user/ethereum/transfer',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Ask to transfer coins to an address (moderated)',
  description:
    'coins + fee move from account_coins to a hold in one ledger transaction (concurrent requests cannot overspend) and count as a withdrawal of the month, within your withdrawal limits (GET /payments-service/withdrawal/limits); the answer is pending until a moderator decides.',
  body: transferSchema,
  headers: [idempotencyKeyHeader('user', 'body', 'transfer', 'holds no coins')],
  requestExample: { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', coins: '9000000000000000000', fee: '1000000000000000000' },
  response: transferRequestedSchema,
  responseExample: { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', coins: '9000000000000000000', fee: '1000000000000000000', hash: null, id: 'urn:authenticateit:transaction_request:9f5885f7-b013-440c-b86e-a247fc8d6ba2', status: 'pending', ts: '2018-03-08T09:16:49Z' },
  errors: ticketErrors({
    400: `${INVALID_BODY}, or an Idempotency-Key that is not 1 to 255 printable ASCII characters`,
    403: 'Your karma keeps withdrawals locked (payments-withdrawals_locked)',
    409: 'The Idempotency-Key was already used with another body',
    422: 'account_coins cannot cover coins + fee, coins + fee are beyond your withdrawal room this month (payments-over_withdrawal_limit), or no coin price (payments-no_price)',
  }),
  uses: ['identity', 'coins', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, body, headers }) => ({ body: await requestTransfer(caller.sub, body, header(headers, 'Idempotency-Key')) }));
