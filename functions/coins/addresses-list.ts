/** GET /user/ethereum/addresses (identity ticket): the user's addresses. */
import { listAddresses } from '../../lib/coins/index.js';
import { addressListSchema, ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/user/ethereum/addresses',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your addresses',
  response: addressListSchema,
  responseExample: { list: [{ address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', description: 'My new wallet', ts: '2018-08-30T14:16:07Z' }] },
  errors: ticketErrors(),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await listAddresses(caller.sub) }));
