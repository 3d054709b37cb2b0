/** GET /textcoin/{code}: the page a customer opens from the cashback email. */
import { platformFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler, signedLink } from '../../lib/http/route.js';
import { textcoinByCode } from '../../lib/payouts/index.js';
import { messagePage, textcoinPage } from '../../lib/payouts/pages.js';
import { textcoinPathSchema } from '../../lib/payouts/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/textcoin/{code}',
  family: platformFamily,
  auth: signedLink,
  summary: 'Claim page for cashback sent to an email address',
  params: textcoinPathSchema,
  html: true,
  htmlErrors: { when: 'always', page: (err) => ({ status: err.status, html: messagePage('Claim link', err.message) }) },
  errors: { 400: 'Invalid code', 404: 'Unknown or tampered link' },
  uses: ['links'],
});

export const handler = routeHandler(route, async ({ params: { code } }) => ({ html: textcoinPage(code, await textcoinByCode(code)) }));
