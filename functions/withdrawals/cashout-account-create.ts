/** POST /cashout/account (identity ticket): adds one of the user's bank cash-out accounts. */
import { createCashoutAccount } from '../../lib/cashout-accounts/index.js';
import { cashoutAccountSchema, createCashoutAccountSchema, INVALID_ACCOUNT, MAX_CASHOUT_ACCOUNTS } from '../../lib/cashout-accounts/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Add a bank cash-out account',
  description: `The bank details are checked against the country's rules (Australia: BSB exactly 6 digits, account number 5 to 9 digits, postcode 4 digits). At most ${MAX_CASHOUT_ACCOUNTS} accounts per user. The account number is stored encrypted and answered whole to its owner only.`,
  body: createCashoutAccountSchema,
  requestExample: { account: { country: '036', city: 'Melbourne', bank: 'Test BN', name: 'John Smith', bsb: '123456', account: '22334455', description: 'My second account' } },
  response: cashoutAccountSchema,
  responseExample: { account: '22334455', bank: 'Test BN', bsb: '123456', city: 'Melbourne', country: '036', description: 'My second account', id: '03192aaa-a314-4eed-9d1c-a42bf36cdb70', name: 'John Smith' },
  errors: ticketErrors({ 400: `${INVALID_ACCOUNT}; payments-country_not_allowed: a country cash-out accounts cannot be in`, 422: `The user already has ${MAX_CASHOUT_ACCOUNTS} accounts` }),
  uses: ['identity', 'cashoutAccounts', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await createCashoutAccount(caller.sub, body) }));
