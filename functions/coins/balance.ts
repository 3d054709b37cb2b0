/** GET /payments-service/user/ethereum/balance (identity ticket): ledger coins + on-chain balances of the user's addresses. */
import { coinsBalance } from '../../lib/coins/index.js';
import { balanceSchema, ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/user/ethereum/balance',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your coins: ledger (account_coins), on your addresses (balance_coins), total, and the transfer fee bounds',
  description: "Amounts are decimal strings in the token's smallest unit (18 decimals). On-chain balances are read through the RPC and cached for BALANCE_CACHE_SECONDS.",
  response: balanceSchema,
  responseExample: { account_coins: '1949979999999999999934', balance_coins: '10111020000000000000000', coins_fee: { max: '50000000000000000000', min: '1000000000000000000' }, total_coins: '12060999999999999999934' },
  errors: ticketErrors({ 503: 'The chain cannot be read right now' }),
  uses: ['identity', 'coins'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await coinsBalance(caller.sub) }));
