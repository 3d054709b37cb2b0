/** POST /cashout/transfer (identity ticket): a bank cash-out transfer (v2) to one of the user's stored accounts, paid by the cashout-transfers worker. */
import { idempotencyKeyHeader, ticketErrors } from '../../lib/coins/schema.js';
import { header } from '../../lib/http/body.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { BAD_VERSION_MESSAGE, requestCashoutTransfer } from '../../lib/withdrawals/cashout.js';
import { cashoutAccountExample, cashoutFeeExample } from '../../lib/withdrawals/examples.js';
import { cashoutTransferAnswerSchema, cashoutTransferSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/transfer',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Cash coins out to one of your bank accounts (v2)',
  description:
    "Pays the stored account `account.id` (its stored details; another user's id is not found) the bank quote of `coins` (GET /cashout/convert_coins, with pay_fee_with_coins). In one transaction the coins (with the fee) move from your balance to a hold and count as a withdrawal of the month, within your withdrawal limits; the answer is `pending` and a worker pays the bank: then `success`, or `failure` with the coins back in your balance. Without `\"version\": \"v2\"` (or with another value): payments-bad_version.",
  body: cashoutTransferSchema,
  headers: [idempotencyKeyHeader('user', 'body', 'transfer', 'holds no coins')],
  requestExample: {
    account: cashoutAccountExample,
    coins: '30000000000000000000000',
    pay_fee_with_coins: true,
    version: 'v2',
  },
  response: cashoutTransferAnswerSchema,
  responseExample: {
    account: cashoutAccountExample,
    coins: '43609000000000000000000',
    converted_usd_value: 2.5,
    converted_value: 3.3,
    currency: 'aud',
    fee: cashoutFeeExample,
    hash: null,
    id: 'urn:authenticateit:transaction_request:5b22e550-2f75-4d79-a059-778f653c823f',
    status: 'pending',
    stored_account: 'ab97eff9-1ef5-4612-95ea-b557d9b106fe',
    ts: '2021-06-30T06:31:53Z',
  },
  errors: ticketErrors({
    400: `No version v2 (payments-bad_version: "${BAD_VERSION_MESSAGE}"), a bad body (payments-bad_<field>) or Idempotency-Key`,
    403: 'Your karma keeps withdrawals locked (payments-withdrawals_locked)',
    404: 'You have no cash-out account with this id (payments-cashout_account_not_found)',
    409: 'The Idempotency-Key was already used with another body (payments-idempotency_key_reused)',
    422: 'Delivers nothing or less than the minimum after the fee (payments-below_minimum), beyond your withdrawal room this month (payments-over_withdrawal_limit), beyond your coins (payments-insufficient_coins), or no coin price (payments-no_price)',
    503: 'The gas price cannot be read from the chain right now (payments-chain_unavailable), or another dependency is busy: retry shortly',
  }),
  uses: ['identity', 'withdrawals', 'cashoutAccounts', 'cardVault', 'coins'],
});

export const handler = routeHandler(route, async ({ caller, body, headers }) => ({ body: await requestCashoutTransfer(caller.sub, body, header(headers, 'Idempotency-Key')) }));
