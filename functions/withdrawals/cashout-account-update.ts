/** PUT /cashout/account (identity ticket): replaces the bank details of one of the user's cash-out accounts. */
import { updateCashoutAccount } from '../../lib/cashout-accounts/index.js';
import { cashoutAccountListSchema, INVALID_ACCOUNT, updateCashoutAccountSchema } from '../../lib/cashout-accounts/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/cashout/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Update a bank cash-out account',
  description: 'The account is replaced by the details given (an optional field left out is cleared). Answers all your accounts.',
  body: updateCashoutAccountSchema,
  requestExample: {
    account: { country: '036', city: 'Melbourne', bank: 'SB', name: 'John Smith', bsb: '123456', account: '22334455', description: 'New descritpion test' },
    id: '1d1af3aa-5d62-49d5-a0d7-9e1a3f34c365',
  },
  response: cashoutAccountListSchema,
  responseExample: {
    accounts: [
      { account: '22334455', bank: 'SB', bsb: '123456', city: 'Melbourne', country: '036', description: 'New descritpion test', id: '1d1af3aa-5d62-49d5-a0d7-9e1a3f34c365', name: 'John Smith' },
      { account: '22334455', bank: 'Commonwealth', bsb: '123456', city: 'Melbourne', country: '036', description: 'My primary account', id: 'f50b74b3-8605-4985-af89-20cd0adfe89d', name: 'John Smith' },
    ],
  },
  errors: ticketErrors({ 400: `${INVALID_ACCOUNT}; payments-country_not_allowed: a country cash-out accounts cannot be in`, 404: 'You have no account with this id' }),
  uses: ['identity', 'cashoutAccounts', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await updateCashoutAccount(caller.sub, body) }));
