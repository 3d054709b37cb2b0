/** GET /cashout/webhooks: the provider's webhook deliveries, newest first, with status and attempts. */
import { listWebhooks } from '../../lib/cashout/webhooks.js';
import { webhooksQuerySchema, webhooksResponseSchema } from '../../lib/cashout/schema.js';
import { providerKey } from '../../lib/http/auth/provider.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/cashout/webhooks',
  family: cashoutFamily,
  auth: providerKey,
  summary: "The provider's webhook deliveries, newest first, with status and attempts",
  query: webhooksQuerySchema,
  response: webhooksResponseSchema,
  errors: { 401: 'Missing or invalid API key' },
  uses: ['cashout'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await listWebhooks(caller.name, query.limit) }));
