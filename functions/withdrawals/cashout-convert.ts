/** GET /cashout/convert_coins (identity ticket): the bank cash-out quote of coins in a country's currency. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { cashoutConvert } from '../../lib/withdrawals/cashout.js';
import { cashoutConvertQuerySchema, withdrawalQuoteViewSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/cashout/convert_coins',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Quote a bank cash-out: coins in the currency of a country, with the bank fees',
  description:
    "The withdrawal fee engine's bank quote (README, Withdrawal fees) of `coins` in the currency of `country` (a country bank cash-outs are paid in; absent: your profile's), the fee taken out of the coins. Fees come from the operator's fee options; gas_coins is the network cost of one transfer in coins (the chain's gas price, WITHDRAWAL_GAS_PER_TRANSFER and the coin's eth price; WITHDRAWAL_GAS_COINS while no eth price is set). negative_values (default false) lets coins_without_fee and value_without_fee go below 0.",
  query: cashoutConvertQuerySchema,
  response: withdrawalQuoteViewSchema,
  responseExample: {
    coins: '2000000000000000000000000',
    coins_with_fee: '2013611000000000000000000',
    coins_without_fee: '1986389000000000000000000',
    currency: 'AUD',
    fee_coins: '13611000000000000000000',
    fee_value: 1.5,
    gas_coins: '160000000000000000000',
    gas_fee_coins: '8000000000000000000',
    gas_fee_precent: 5,
    gas_fee_value: 0.0,
    transaction_fee: 1.5,
    transaction_fee_coins: '13603000000000000000000',
    transaction_fee_value: 1.5,
    value: 219.03,
    value_with_fee: 220.53,
    value_without_fee: 219.03,
  },
  errors: ticketErrors({
    400: 'Bad coins, country or negative_values (payments-bad_<field>), or a country bank cash-outs are not paid in (payments-country_not_allowed)',
    422: 'No coin price is set for the currency (payments-no_price)',
    503: 'The gas price cannot be read from the chain right now (payments-chain_unavailable), or another dependency is busy: retry shortly',
  }),
  uses: ['identity', 'withdrawals', 'cashoutAccounts', 'coins'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await cashoutConvert(caller.sub, query) }));
