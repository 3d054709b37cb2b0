/** GET /payments-service/poloniex/account (identity ticket): the user's Poloniex deposit addresses. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { poloniexAccountExamples } from '../../lib/exchanges/examples.js';
import { poloniexAccountsView } from '../../lib/exchanges/poloniex-accounts.js';
import { poloniexAccountsAnswerSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/poloniex/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your Poloniex deposit addresses',
  description: "Newest first. `status` is the latest transfer's state (pending until one succeeds or fails), `is_new` true while no transfer has been made to the address.",
  response: poloniexAccountsAnswerSchema,
  responseExample: { accounts: poloniexAccountExamples },
  errors: ticketErrors({}),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await poloniexAccountsView(caller.sub) }));
