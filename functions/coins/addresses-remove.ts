/** PUT /user/ethereum/addresses/remove (identity ticket): removes some of the user's addresses. */
import { removeAddresses } from '../../lib/coins/index.js';
import { addressListSchema, INVALID_BODY, removeAddressesSchema, ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/user/ethereum/addresses/remove',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Remove addresses',
  body: removeAddressesSchema,
  requestExample: { list: ['0xe40555b43d60656b9510860A11D6bDCDDb8E78A2'] },
  response: addressListSchema,
  responseExample: { list: [] },
  errors: ticketErrors({ 400: INVALID_BODY }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await removeAddresses(caller.sub, body) }));
