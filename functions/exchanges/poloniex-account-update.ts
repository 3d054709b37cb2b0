/** PUT /payments-service/poloniex/account (identity ticket): the description of one of the user's Poloniex addresses. */
import { INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { poloniexAccountExamples } from '../../lib/exchanges/examples.js';
import { updatePoloniexAccount } from '../../lib/exchanges/poloniex-accounts.js';
import { poloniexAccountsAnswerSchema, poloniexAccountUpdateSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/poloniex/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Change the description of one of your Poloniex addresses',
  description: 'The address itself does not change (add another one instead). The answer lists all your Poloniex addresses.',
  body: poloniexAccountUpdateSchema,
  requestExample: { id: '48d8909fbf42cc6bbed4dd47eeaf203cb2a65634', description: 'Updated test desc' },
  response: poloniexAccountsAnswerSchema,
  responseExample: { accounts: poloniexAccountExamples },
  errors: ticketErrors({ 400: INVALID_BODY, 404: 'You have no Poloniex address with this id (payments-poloniex_account_not_found)' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await updatePoloniexAccount(caller.sub, body.id, body.description) }));
