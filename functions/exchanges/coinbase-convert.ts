/** GET /payments-service/coinbase/convert_coins (identity ticket): the quote of a transfer of coins to a Coinbase account. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { convertCoinsQuote } from '../../lib/withdrawals/index.js';
import { exchangeConvertQuerySchema, withdrawalQuoteViewSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/coinbase/convert_coins',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Quote a transfer to Coinbase: coins in your currency, with the Coinbase fees',
  description:
    "The withdrawal fee engine's quote (README, Withdrawal fees) with the operator's Coinbase fee options for your profile's country, the fee taken out of the coins; `min_transfer_coins_value` is the least a transfer may deliver. The same as POST /payments-service/withdrawal/convert_coins with type coinbase_account. negative_values (default false) lets coins_without_fee and value_without_fee go below 0.",
  query: exchangeConvertQuerySchema,
  response: withdrawalQuoteViewSchema,
  responseExample: {
    coins: '100000000000000000000000',
    coins_with_fee: '100000000000000000000000',
    coins_without_fee: '100000000000000000000000',
    currency: 'AUD',
    fee_coins: 0,
    fee_value: 0.0,
    gas_coins: '150000000000000000000',
    gas_fee_coins: 0,
    gas_fee_precent: 0,
    gas_fee_value: 0.0,
    min_transfer_coins_value: '100000000000000000',
    transaction_fee: 0,
    transaction_fee_coins: 0,
    transaction_fee_value: 0.0,
    value: 27.13,
    value_with_fee: 27.13,
    value_without_fee: 27.13,
  },
  errors: ticketErrors({
    400: 'Bad coins or negative_values (payments-bad_<field>)',
    422: 'No coin price is set for your currency (payments-no_price)',
    503: 'The gas price cannot be read from the chain right now (payments-chain_unavailable), or another dependency is busy: retry shortly',
  }),
  uses: ['identity', 'withdrawals', 'coins'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await convertCoinsQuote(caller.sub, { coins: query.coins, type: 'coinbase_account', ...(query.negative_values !== undefined ? { negative_values: query.negative_values } : {}) }) }));
