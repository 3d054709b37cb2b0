/** GET /payments-service/coinbase/callback (the OAuth state; beyond the contract): Coinbase sends the user back here to connect. */
import { finishCoinbaseConnect } from '../../lib/exchanges/coinbase-accounts.js';
import { fail } from '../../lib/exchanges/failures.js';
import { coinbaseCallbackQuerySchema } from '../../lib/exchanges/schema.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler, signedLink } from '../../lib/http/route.js';
import { errorPage, escapeHtml, page } from '../../lib/html.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/coinbase/callback',
  family: paymentsFamily,
  auth: signedLink,
  summary: "Coinbase's redirect after the consent: connects the account (a page; not in the contract)",
  description:
    'The `state` (from GET /payments-service/coinbase/connect) names the user, once. The code is traded for tokens, the Coinbase profile read and the account connected (tokens sealed at rest). Failures are pages: an unknown, used or expired state (400), a code Coinbase refuses (400, payments-coinbase_no_tokens_by_code), a profile that cannot be read (409), a denied consent (400).',
  query: coinbaseCallbackQuerySchema,
  html: true,
  htmlErrors: { when: 'always', page: errorPage },
  errors: { 400: 'Unknown, used or expired state; a refused code; a denied consent', 409: "Coinbase did not give the profile (payments-coinbase_no_user_by_access_token)", 503: 'Coinbase cannot be reached' },
  uses: ['coinbase', 'cardVault'],
});

export const handler = routeHandler(route, async ({ query }) => {
  if (query.error) throw fail('coinbase_no_tokens_by_code', `Coinbase was not connected: ${query.error === 'access_denied' ? 'the consent was denied' : query.error}.`);
  if (!query.code || !query.state) throw fail('coinbase_bad_state', 'This page is opened by Coinbase after you connect your account: start from the app.');
  const { profile } = await finishCoinbaseConnect(query.code, query.state);
  return { html: page('Coinbase connected', `<h1>Coinbase account connected</h1><p>${escapeHtml(profile.email ?? profile.name ?? profile.id)} can now receive your coins. You can close this page.</p>`) };
});
