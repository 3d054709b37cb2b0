/** POST /cashout/register: a provider registers its paying card and webhook endpoint. */
import { registerProvider } from '../../lib/cashout/providers.js';
import { registerResponseSchema, registerSchema } from '../../lib/cashout/schema.js';
import { cashoutFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/cashout/register',
  family: cashoutFamily,
  auth: publicRoute,
  summary: 'Register a cash-out provider: its paying card and webhook endpoint',
  description:
    'PAN (16 or 19 digits, Luhn) and IPIN are encrypted at rest and never returned. The answer carries, this one time, the API key (Bearer) and the webhook signing secret.',
  body: registerSchema,
  requestExample: { name: 'shifa', pan: '4111111111111111', expDate: '2812', ipin: '0000', consent: true, endpoint: 'https://provider.example/webhooks/cashout' },
  response: registerResponseSchema,
  responseExample: { result: 'ok', api_key: 'co_…', webhook_secret: 'whsec_…' },
  errors: { 400: 'Invalid field (message names it)', 409: 'item_exists: the name is taken' },
  uses: ['cashout', 'cardVault'],
});

export const handler = routeHandler(route, async ({ body }) => ({ body: await registerProvider(body) }));
