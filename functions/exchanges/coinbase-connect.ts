/** GET /payments-service/coinbase/connect (identity ticket; beyond the contract): starts connecting a Coinbase account (Coinbase's consent page). */
import { ticketErrors } from '../../lib/coins/schema.js';
import { startCoinbaseConnect } from '../../lib/exchanges/coinbase-accounts.js';
import { coinbaseConnectQuerySchema, coinbaseConnectStartedSchema } from '../../lib/exchanges/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/coinbase/connect',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Start connecting your Coinbase account (OAuth; not in the contract)',
  description:
    "Answers the URL of Coinbase's consent page (`authorize_url`) for the app to open in a browser (an identity ticket travels in a header, which a browser cannot carry); with `redirect=true` the answer is that redirect (302, the same body). The link carries a single-use `state` bound to you, valid 10 minutes; after the consent Coinbase sends the browser to GET /payments-service/coinbase/callback, which connects the account.",
  query: coinbaseConnectQuerySchema,
  response: coinbaseConnectStartedSchema,
  responseExample: { authorize_url: 'https://www.coinbase.com/oauth/authorize?response_type=code&client_id=...&redirect_uri=...&state=...&scope=wallet%3Auser%3Aread%2Cwallet%3Auser%3Aemail', expires_at: '2026-11-24T06:40:00Z' },
  errors: ticketErrors({ 400: 'redirect is not true or false (payments-bad_redirect)' }),
  uses: ['identity', 'coinbase'],
});

export const handler = routeHandler(route, async ({ caller, query }) => {
  const started = await startCoinbaseConnect(caller.sub);
  return query.redirect === 'true' ? { status: 302, headers: { location: started.authorize_url }, body: started } : { body: started };
});
