/** GET /payments-service/user/ethereum/transfer/history (identity ticket): the user's transfers and deposits, newest first. */
import { transferHistory } from '../../lib/coins/index.js';
import { ticketErrors, transferHistorySchema } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/user/ethereum/transfer/history',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your transfers and deposits, newest first',
  response: transferHistorySchema,
  errors: ticketErrors(),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await transferHistory(caller.sub) }));
