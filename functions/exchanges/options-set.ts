/** POST /payments-service/{exchange}/options (system role): sets whether transfers to the exchange wait for a moderator. */
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { setExchangeOptions } from '../../lib/exchanges/options.js';
import { exchangeOptionsSchema, exchangePathSchema } from '../../lib/exchanges/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/{exchange}/options',
  family: paymentsFamily,
  auth: systemRole,
  summary: "Set an exchange's transfer options: manual approval (system role)",
  description: "The contract's `POST /payments-service/coinbase/options` and `POST /payments-service/poloniex/options`. Applies to transfers requested from then on; the change records the system ticket's user and the time.",
  params: exchangePathSchema,
  body: exchangeOptionsSchema,
  requestExample: { manual_approve: 'active' },
  response: exchangeOptionsSchema,
  responseExample: { manual_approve: 'active' },
  errors: { 400: 'Not coinbase or poloniex (payments-bad_exchange), or manual_approve not active or inactive (payments-bad_manual_approve)', 401: 'Missing, invalid or expired ticket', 403: 'Not a system ticket (payments-not_system)' },
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, params, body }) => ({ body: await setExchangeOptions(params.exchange, body, caller.sub) }));
