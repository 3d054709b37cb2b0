/** GET /cashout/account (identity ticket): the user's bank cash-out accounts. */
import { listCashoutAccounts } from '../../lib/cashout-accounts/index.js';
import { cashoutAccountListSchema } from '../../lib/cashout-accounts/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/cashout/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your bank cash-out accounts',
  description: 'Newest first.',
  response: cashoutAccountListSchema,
  responseExample: {
    accounts: [
      { account: '22334455', bank: 'SB', bsb: '123456', city: 'Melbourne', country: '036', description: 'My second account', id: '1d1af3aa-5d62-49d5-a0d7-9e1a3f34c365', name: 'John Smith' },
      { account: '22334455', bank: 'Commonwealth', bsb: '123456', city: 'Melbourne', country: '036', description: 'My primary account', id: 'f50b74b3-8605-4985-af89-20cd0adfe89d', name: 'John Smith' },
    ],
  },
  errors: ticketErrors(),
  uses: ['identity', 'cashoutAccounts', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await listCashoutAccounts(caller.sub) }));
