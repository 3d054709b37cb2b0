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
  description:
    'Rate-limited: at most one replay of a delivery every 10 seconds, and at most 20 replays per provider per minute; ' +
    'over either limit the answer is 429 `replay_rate_limited` and nothing is sent. The webhook goes to your registered ' +
    'endpoint under the usual delivery rules (public addresses only, https on port 443, redirects are not followed).',
  params: webhookPathSchema,
  response: webhookReplayResponseSchema,
  status: 202,
  errors: { 400: 'Invalid id', 401: 'Missing or invalid API key', 404: 'Unknown delivery', 429: 'Replay rate limit reached (replay_rate_limited)' },
  uses: ['cashout', 'queue:webhookDeliveries'],
});

export const handler = routeHandler(route, async ({ caller, params }) => ({ status: 202, body: await replayWebhook(caller.name, params.id) }));
