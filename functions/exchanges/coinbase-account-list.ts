/** GET /payments-service/coinbase/account (identity ticket): the user's connected Coinbase accounts. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { coinbaseAccountsView } from '../../lib/exchanges/coinbase-accounts.js';
import { coinbaseProfileExample } from '../../lib/exchanges/examples.js';
import { coinbaseAccountsAnswerSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/coinbase/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your connected Coinbase accounts',
  description: 'Each as Coinbase gave its profile when you connected it (GET /payments-service/coinbase/connect), with `ts` the time of connection. Disconnected accounts are not listed.',
  response: coinbaseAccountsAnswerSchema,
  responseExample: { accounts: [{ ...coinbaseProfileExample, ts: '2022-04-29T02:11:35Z' }] },
  errors: ticketErrors({}),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await coinbaseAccountsView(caller.sub) }));
