/** POST /payments-service/{coinbase|poloniex}/transfer (identity ticket): coins to one of the user's exchange accounts. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { exchangePathSchema } from '../../lib/exchanges/schema.js';
import { requestExchangeTransfer } from '../../lib/exchanges/transfers.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { exchangeTransferAnswerSchema, exchangeTransferSchema } from '../../lib/withdrawals/schema.js';
import { wireTrue } from '../../lib/wire.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/{exchange}/transfer',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Transfer coins to your Coinbase or Poloniex account',
  description:
    "The contract's `POST /payments-service/coinbase/transfer` and `POST /payments-service/poloniex/transfer`. `id` is one of your connected Coinbase accounts (its tokens are checked, refreshed when expired) or one of your Poloniex addresses. The exchange's quote (fees of its type in your country) is held from your balance in one transaction with the month's withdrawal, within your limits. With the exchange's manual approval active the transfer waits `pending` for a moderator; otherwise it is sent at once by a worker: then `success`, or `failure` with the coins back.",
  params: exchangePathSchema,
  body: exchangeTransferSchema,
  requestExample: { coins: '100000000000000000', id: '80bc50eb-246a-5f8c-91f1-33dd27d6e519', pay_fee_with_coins: true },
  response: exchangeTransferAnswerSchema,
  errors: ticketErrors({
    400: 'A bad body (payments-bad_<field>) or exchange',
    403: 'Your karma keeps withdrawals locked (payments-withdrawals_locked)',
    404: 'No such account of yours (payments-coinbase_account_not_found, payments-poloniex_account_not_found)',
    409: 'The Coinbase account must be connected again (payments-coinbase_no_stored_tokens, payments-coinbase_no_tokens_by_refresh_token, payments-coinbase_no_user_by_access_token)',
    422: 'Below the minimum after the fee (payments-below_minimum), beyond your withdrawal room this month (payments-over_withdrawal_limit), beyond your coins (payments-insufficient_coins), or no coin price (payments-no_price)',
    503: 'Coinbase or the chain cannot be reached (payments-coinbase_unavailable, payments-chain_unavailable)',
  }),
  uses: ['identity', 'withdrawals', 'coins', 'coinbase', 'poloniex', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, params, body }) => ({
  body: await requestExchangeTransfer(caller.sub, params.exchange, { id: body.id, coins: body.coins, payFeeWithCoins: wireTrue(body.pay_fee_with_coins), requester: caller.profile }),
}));
