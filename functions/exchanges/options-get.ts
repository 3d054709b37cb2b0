/** GET /payments-service/{exchange}/options (system role): whether transfers to the exchange wait for a moderator. */
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { exchangeOptions } from '../../lib/exchanges/options.js';
import { exchangeOptionsSchema, exchangePathSchema } from '../../lib/exchanges/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/{exchange}/options',
  family: paymentsFamily,
  auth: systemRole,
  summary: "An exchange's transfer options: manual approval (system role)",
  description: 'The contract\'s `GET /payments-service/coinbase/options` and `GET /payments-service/poloniex/options`. `manual_approve` inactive (the default): transfers are auto_approved and sent at once; active: each waits as pending for a moderator.',
  params: exchangePathSchema,
  response: exchangeOptionsSchema,
  responseExample: { manual_approve: 'inactive' },
  errors: { 400: 'Not coinbase or poloniex (payments-bad_exchange)', 401: 'Missing, invalid or expired ticket', 403: 'Not a system ticket (payments-not_system)' },
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ params }) => ({ body: await exchangeOptions(params.exchange) }));
