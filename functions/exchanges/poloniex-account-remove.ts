/** POST /payments-service/poloniex/account/remove (identity ticket): removes some of the user's Poloniex addresses. */
import { INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { poloniexAccountExamples } from '../../lib/exchanges/examples.js';
import { removePoloniexAccounts } from '../../lib/exchanges/poloniex-accounts.js';
import { poloniexAccountRemoveSchema, poloniexAccountsAnswerSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/poloniex/account/remove',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Remove some of your Poloniex addresses',
  description: 'All the ids or none: an id you do not have is a 404 and nothing is removed. The answer lists the addresses left.',
  body: poloniexAccountRemoveSchema,
  requestExample: { ids: ['d379e3d9b0f2d3f92db92dfbe070a2bc73554cdc'] },
  response: poloniexAccountsAnswerSchema,
  responseExample: { accounts: poloniexAccountExamples },
  errors: ticketErrors({ 400: INVALID_BODY, 404: 'You have no Poloniex address with one of the ids (payments-poloniex_account_not_found)' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await removePoloniexAccounts(caller.sub, body.ids) }));
