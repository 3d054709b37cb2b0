/** GET /user/ethereum/deposit (identity ticket): the user's own deposit address. */
import { depositAddress } from '../../lib/coins/deposits.js';
import { depositAddressSchema, ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/user/ethereum/deposit',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your deposit address (derived from the deposit HD wallet; ERC-20 sent there is credited to account_coins)',
  response: depositAddressSchema,
  responseExample: { address: '0xAc08558735d2a968f8D7B6a00b37328899dF1f28' },
  errors: ticketErrors(),
  uses: ['identity', 'deposit'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await depositAddress(caller.sub) }));
