/** GET /payments-service/withdrawal/account (identity ticket): every account the user can withdraw to. */
import { withdrawalAccountsSchema } from '../../lib/cashout-accounts/schema.js';
import { withdrawalAccounts } from '../../lib/cashout-accounts/withdrawal-accounts.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/withdrawal/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your withdrawal accounts',
  description: 'Your bank cash-out accounts (`cashout_account`, newest first) and Ethereum addresses (`ethereum_account`). Coinbase and Poloniex accounts are not served yet.',
  response: withdrawalAccountsSchema,
  responseExample: {
    accounts: [
      { account: '999999999', bank: 'Fffff', bsb: '222222', country: '036', currency: 'AUD', id: '3ae78d2c-8395-4440-9bf0-5205befb4c13', name: 'Hhh', postcode: '4444', type: 'cashout_account' },
      { address: '0x189050cCB230595ce8376A9606319cD906B29A0f', currency: 'AUD', description: 'tttt11', id: '0x189050cCB230595ce8376A9606319cD906B29A0f', ts: '2019-03-05T04:07:36Z', type: 'ethereum_account' },
    ],
    allowed_transfer_types: ['cashout'],
  },
  errors: ticketErrors(),
  uses: ['identity', 'cashoutAccounts', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await withdrawalAccounts(caller.sub) }));
