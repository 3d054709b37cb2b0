/** POST /cashout/generate/{name}: a claim for one customer cash-out; idempotent on the provider's id. */
import { generateClaim } from '../../lib/cashout/claims.js';
import { generateResponseSchema, generateSchema, providerPathSchema } from '../../lib/cashout/schema.js';
import { providerKey } from '../../lib/http/auth/provider.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/generate/{name}',
  family: cashoutFamily,
  auth: providerKey,
  summary: 'Generate a claim for one customer cash-out',
  description:
    'amount is a positive integer; id is yours and unique: the same id and amount return the same uuid (200), another amount is a 409. New claims answer 201. Claims expire after CLAIM_TTL_HOURS (72).',
  params: providerPathSchema,
  body: generateSchema,
  requestExample: { amount: 100, id: 'xcx' },
  response: generateResponseSchema,
  status: 201,
  responseExample: { result: '2ff61013-b559-4504-9eb7-aa6749c352f0', uuid: '2ff61013-b559-4504-9eb7-aa6749c352f0' },
  errors: { 400: 'Invalid amount or id', 401: 'Missing or invalid API key', 403: 'The key belongs to another provider', 409: 'id_conflict' },
  uses: ['cashout'],
});

export const handler = routeHandler(route, async ({ caller, params, body }) => {
  const { result, uuid, created } = await generateClaim(caller, params.name, body);
  return { status: created ? 201 : 200, body: { result, uuid } };
});
