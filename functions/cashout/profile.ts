/** PUT /cashout/profile: the provider updates its card and endpoint; rotates the webhook secret unless told not to. */
import { updateProfile } from '../../lib/cashout/providers.js';
import { profileResponseSchema, profileSchema } from '../../lib/cashout/schema.js';
import { providerKey } from '../../lib/http/auth/provider.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/cashout/profile',
  family: cashoutFamily,
  auth: providerKey,
  summary: 'Update card and endpoint; rotates the webhook secret (the old one keeps signing for 24 h)',
  body: profileSchema,
  requestExample: { endpoint: 'https://provider.example/webhooks/v2' },
  response: profileResponseSchema,
  responseExample: { result: 'ok', webhook_secret: 'whsec_…' },
  errors: { 400: 'Invalid field', 401: 'Missing or invalid API key' },
  uses: ['cashout', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await updateProfile(caller, body) }));
