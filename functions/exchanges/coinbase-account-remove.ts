/** POST /payments-service/coinbase/account/remove (identity ticket): disconnects some of the user's Coinbase accounts. */
import { INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { disconnectCoinbaseAccounts } from '../../lib/exchanges/coinbase-accounts.js';
import { coinbaseProfileExample } from '../../lib/exchanges/examples.js';
import { coinbaseAccountRemoveSchema, coinbaseAccountsAnswerSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/coinbase/account/remove',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Disconnect some of your Coinbase accounts',
  description: "All the ids or none: one you never connected is a 404. Each is answered with `type` coinbase_account and `inactive` true; its tokens are dropped here and revoked at Coinbase. Connecting it again later works.",
  body: coinbaseAccountRemoveSchema,
  requestExample: { accounts: ['80bc50eb-246a-5f8c-91f1-33dd27d6e519'] },
  response: coinbaseAccountsAnswerSchema,
  responseExample: { accounts: [{ ...coinbaseProfileExample, ts: '2022-04-29T02:11:35Z', type: 'coinbase_account', inactive: true }] },
  errors: ticketErrors({ 400: INVALID_BODY, 404: 'You never connected one of the accounts (payments-coinbase_account_not_found)' }),
  uses: ['identity', 'coinbase', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await disconnectCoinbaseAccounts(caller.sub, body.accounts) }));
