/** POST /user/ethereum/addresses (identity ticket): adds one of the user's addresses, or updates its description. */
import { addAddress } from '../../lib/coins/index.js';
import { addAddressSchema, addressListSchema, INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/user/ethereum/addresses',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Add or update one of your addresses',
  body: addAddressSchema,
  requestExample: { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', description: 'My new wallet' },
  response: addressListSchema,
  responseExample: { list: [{ address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', description: 'My new wallet', ts: '2018-08-30T14:16:07Z' }] },
  errors: ticketErrors({ 400: INVALID_BODY, 422: 'The user already has 20 addresses' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await addAddress(caller.sub, body) }));
