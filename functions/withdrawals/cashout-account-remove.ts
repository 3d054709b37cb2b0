/** POST /cashout/account/remove (identity ticket): removes some of the user's bank cash-out accounts. */
import { removeCashoutAccounts } from '../../lib/cashout-accounts/index.js';
import { cashoutAccountListSchema, removeCashoutAccountsSchema } from '../../lib/cashout-accounts/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/account/remove',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Remove bank cash-out accounts',
  description: 'All the accounts named are removed, or none (an id you have no account with answers 404). Answers the accounts left.',
  body: removeCashoutAccountsSchema,
  requestExample: { accounts: ['1d1af3aa-5d62-49d5-a0d7-9e1a3f34c365'] },
  response: cashoutAccountListSchema,
  responseExample: {
    accounts: [{ account: '22334455', bank: 'Commonwealth', bsb: '123456', city: 'Melbourne', country: '036', description: 'My primary account', id: 'f50b74b3-8605-4985-af89-20cd0adfe89d', name: 'John Smith' }],
  },
  errors: ticketErrors({ 400: 'accounts must be a list of account ids', 404: 'You have no account with one of these ids' }),
  uses: ['identity', 'cashoutAccounts', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await removeCashoutAccounts(caller.sub, body) }));
