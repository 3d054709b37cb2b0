/** POST /textcoin/{code}: claims an emailed cashback to an Ethereum address (form from the claim page, or JSON). */
import { platformFamily } from '../../lib/http/families.js';
import { exactNumber } from '../../lib/json.js';
import { defineRoute, routeHandler, signedLink } from '../../lib/http/route.js';
import { claimTextcoin } from '../../lib/payouts/index.js';
import { claimedPage, messagePage } from '../../lib/payouts/pages.js';
import { textcoinClaimResponseSchema, textcoinClaimSchema, textcoinPathSchema } from '../../lib/payouts/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/textcoin/{code}',
  family: platformFamily,
  auth: signedLink,
  summary: 'Claim emailed cashback to an Ethereum address',
  description: 'Form posts from the claim page get an HTML page back; JSON requests get JSON.',
  params: textcoinPathSchema,
  body: textcoinClaimSchema,
  requestExample: { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
  response: textcoinClaimResponseSchema,
  errors: { 400: 'Invalid address', 404: 'Unknown or tampered link', 409: 'Already claimed', 410: 'Expired' },
  htmlErrors: { when: 'forms', page: (err) => ({ status: err.status, html: messagePage('Claim failed', err.message) }) },
  uses: ['links'],
});

export const handler = routeHandler(route, async ({ params: { code }, body, fromForm }) => {
  const claim = await claimTextcoin(code, body.address);
  if (fromForm) return { html: claimedPage(claim) };
  return { body: { result: 'ok' as const, unit: claim.claimUnit, address: claim.address, amount: exactNumber(claim.amount.toString()) } };
});
