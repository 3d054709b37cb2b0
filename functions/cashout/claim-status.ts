/** GET /cashout/claim/{uuid}/status: where the claim is (the claim page polls it). */
import { claimStatusView, getClaim } from '../../lib/cashout/claims.js';
import { claimPathSchema, claimStatusResponseSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/cashout/claim/{uuid}/status',
  family: cashoutFamily,
  auth: publicRoute,
  summary: 'Status of a claim: pending, submitted, paying, paid, failed or expired',
  params: claimPathSchema,
  response: claimStatusResponseSchema,
  responseExample: { uuid: '2ff61013-b559-4504-9eb7-aa6749c352f0', status: 'paid', amount: 100, provider: 'shifa', updated_at: '2026-11-22T10:00:00Z' },
  errors: { 400: 'Invalid uuid', 404: 'Unknown claim' },
  uses: ['cashout'],
});

export const handler = routeHandler(route, async ({ params }) => ({ body: claimStatusView(await getClaim(params.uuid)), headers: { 'cache-control': 'no-store' } }));
