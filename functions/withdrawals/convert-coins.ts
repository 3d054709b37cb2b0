/** POST /payments-service/withdrawal/convert_coins (identity ticket): a withdrawal quote (fees) in your currency, with karma when asked. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { convertCoinsQuote } from '../../lib/withdrawals/index.js';
import { convertCoinsAnswerSchema, convertCoinsRequestSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/withdrawal/convert_coins',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Quote a withdrawal: coins or a value, with the fees of the target account type',
  description:
    "Give coins or value (a value in your country's currency becomes the fewest coins worth it). The fees are the withdrawal fee engine's with the operator's fee options for `type` (absent: ethereum_account) in your profile's country; gas_coins is the network cost of one transfer in coins (the chain's gas price, WITHDRAWAL_GAS_PER_TRANSFER and the coin's eth price; WITHDRAWAL_GAS_COINS while no eth price is set). negative_values (default false) lets coins_without_fee and value_without_fee go below 0. rule_karma_value_include adds karma_value, the lock and unlock thresholds and whether karma lets you withdraw.",
  body: convertCoinsRequestSchema,
  requestExample: { id: '808c8461-590c-4686-9214-b3f90bc6f912', value: 1.0, negative_values: true, type: 'coinbase_account', rule_karma_value_include: true },
  response: convertCoinsAnswerSchema,
  responseExample: {
    coins: '4000000000000000000',
    coins_with_fee: '4000000000000000000',
    coins_without_fee: '4000000000000000000',
    currency: 'AUD',
    fee_coins: 0,
    fee_value: 0.0,
    gas_coins: '10000000000000000000',
    gas_fee_coins: 0,
    gas_fee_precent: 0,
    gas_fee_value: 0.0,
    karma_value: 80,
    karma_value_lock_before: 50,
    karma_value_unlock: 70,
    karma_value_withdrawal_enabled: true,
    min_transfer_coins_value: '1000000000000000000',
    transaction_fee: 0,
    transaction_fee_coins: 0,
    transaction_fee_value: 0.0,
    value: 1.0,
    value_with_fee: 1.0,
    value_without_fee: 1.0,
  },
  errors: ticketErrors({
    400: 'Bad body, or neither or both of coins and value (payments-bad_<field>, payments-bad_convert_request)',
    422: 'No coin price is set for your currency (payments-no_price)',
    503: 'The gas price cannot be read from the chain right now (payments-chain_unavailable), or another dependency is busy: retry shortly',
  }),
  uses: ['identity', 'withdrawals', 'coins'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await convertCoinsQuote(caller.sub, body) }));
