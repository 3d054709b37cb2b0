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
  description: 'Every account you can withdraw to: connected Coinbase accounts (`coinbase_account`), bank cash-out accounts (`cashout_account`, newest first), Ethereum addresses (`ethereum_account`) and Poloniex deposit addresses (`poloniex_account`, with the status of the latest transfer to each); and the withdrawal types served.',
  response: withdrawalAccountsSchema,
  responseExample: {
    accounts: [
      { account: '999999999', bank: 'Fffff', bsb: '222222', country: '036', currency: 'AUD', id: '3ae78d2c-8395-4440-9bf0-5205befb4c13', name: 'Hhh', postcode: '4444', type: 'cashout_account' },
      { address: '0x189050cCB230595ce8376A9606319cD906B29A0f', currency: 'AUD', description: 'tttt11', id: '0x189050cCB230595ce8376A9606319cD906B29A0f', ts: '2019-03-05T04:07:36Z', type: 'ethereum_account' },
      { address: '0x4ca5F489CC1fD1cEc24747b64E8dE0F4A6A850e3', currency: 'AUD', description: 'Test desc', id: '69b83263fbdbaa4ebf49d59ea98540a3ce77be96', status: 'success', ts: '2022-12-30T06:23:35Z', type: 'poloniex_account' },
    ],
    allowed_transfer_types: ['coinbase', 'cashout', 'poloniex'],
  },
  errors: ticketErrors(),
  uses: ['identity', 'cashoutAccounts', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await withdrawalAccounts(caller.sub) }));
