/** GET /cashout/countries (identity ticket): the countries bank cash-out accounts can be in, with their currencies. */
import { countriesAllowed } from '../../lib/cashout-accounts/index.js';
import { allowedCountriesSchema } from '../../lib/cashout-accounts/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/cashout/countries',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Countries and currencies of bank cash-out accounts',
  response: allowedCountriesSchema,
  responseExample: { allowed_countries: [{ country: '036', currency: 'aud' }] },
  errors: ticketErrors(),
  uses: ['identity', 'cashoutAccounts'],
});

export const handler = routeHandler(route, async () => ({ body: countriesAllowed() }));
