/** POST /cashout/webhooks/{id}/replay: sends a webhook delivery again, same id and body. */
import { webhookPathSchema, webhookReplayResponseSchema } from '../../lib/cashout/schema.js';
import { replayWebhook } from '../../lib/cashout/webhooks.js';
import { providerKey } from '../../lib/http/auth/provider.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/webhooks/{id}/replay',
  family: cashoutFamily,
  auth: providerKey,
  summary: 'Send a webhook again (same webhook-id and body)',
  params: webhookPathSchema,
  response: webhookReplayResponseSchema,
  status: 202,
  errors: { 400: 'Invalid id', 401: 'Missing or invalid API key', 404: 'Unknown delivery' },
  uses: ['cashout', 'queue:webhookDeliveries'],
});

export const handler = routeHandler(route, async ({ caller, params }) => ({ status: 202, body: await replayWebhook(caller.name, params.id) }));
