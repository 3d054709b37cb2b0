/**
 * GET /docs: the API reference, rendered in the browser by Scalar from /openapi.json. The renderer is served
 * by GET /docs/assets/{file} (its own function: this one stays a few kilobytes), so the page needs no CDN.
 */
import { docsPage, DOCS_PAGE_CSP } from '../../lib/docs/page.js';
import { docsFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/docs',
  family: docsFamily,
  auth: publicRoute,
  summary: 'Human-readable API reference',
  description: 'Scalar, served by this API (no external assets); its request client sends to this same origin.',
  html: true,
  errors: {},
  uses: [],
});

const html = docsPage();

// The wrapper's default CSP for pages allows inline scripts only; this page runs same-origin scripts only.
export const handler = routeHandler(route, async () => ({ html, headers: { 'content-security-policy': DOCS_PAGE_CSP, 'cache-control': 'no-cache' } }));
