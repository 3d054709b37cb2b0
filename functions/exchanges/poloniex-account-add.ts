/** POST /payments-service/poloniex/account (identity ticket): adds one of the user's Poloniex deposit addresses, or updates its description. */
import { INVALID_BODY, ticketErrors } from '../../lib/coins/schema.js';
import { poloniexAccountExamples } from '../../lib/exchanges/examples.js';
import { addPoloniexAccount, MAX_POLONIEX_ACCOUNTS } from '../../lib/exchanges/poloniex-accounts.js';
import { poloniexAccountAddSchema, poloniexAccountsAnswerSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/poloniex/account',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Add a Poloniex deposit address (or update its description)',
  description: `The answer lists all your Poloniex addresses, newest first. An address you have already is not added twice: its description is updated. At most ${MAX_POLONIEX_ACCOUNTS} addresses.`,
  body: poloniexAccountAddSchema,
  requestExample: { address: '0x4ca5f489cc1fd1cec24747b64e8de0f4a6a850e3', description: 'Test desc' },
  response: poloniexAccountsAnswerSchema,
  responseExample: { accounts: poloniexAccountExamples },
  errors: ticketErrors({ 400: INVALID_BODY, 422: `You have ${MAX_POLONIEX_ACCOUNTS} addresses already (payments-too_many_poloniex_accounts)` }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await addPoloniexAccount(caller.sub, body.address, body.description) }));
