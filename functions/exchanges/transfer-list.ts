/** POST /payments-service/transfer/get (system role): the moderators' list of Coinbase and Poloniex transfers. */
import { listExchangeTransfers } from '../../lib/exchanges/moderation.js';
import { transferListAnswerSchema, transferListRequestSchema } from '../../lib/exchanges/moderation-schema.js';
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/transfer/get',
  family: paymentsFamily,
  auth: systemRole,
  summary: 'List Coinbase and Poloniex transfers for moderators (system role)',
  description:
    'Every filter is optional and they combine: the user, the Coinbase account email, the request time range (inclusive), moderation statuses and exchanges. `count` is the number of all matches; `data` is the page `offset`..`offset + limit` of them in request-time order (`order_type` desc by default). Each row\'s `id` is the manual code that approve, reject and limits take. Names and the email come from the profile claims of the ticket the user asked with.',
  body: transferListRequestSchema,
  requestExample: {
    user_id: 'urn:authenticateit:user:email:email@gmail.com',
    ts_from: '2022-05-01T04:23:56Z',
    status: ['pending', 'manual_rejected', 'manual_approved', 'auto_approved'],
    order_type: 'asc',
    order_by: 'ts',
    type: ['coinbase', 'poloniex'],
    limit: 1,
    offset: 1,
  },
  response: transferListAnswerSchema,
  errors: { 400: 'A bad filter (payments-bad_<field>, payments-bad_time_range)', 401: 'Missing, invalid or expired ticket', 403: 'Not a system ticket (payments-not_system)' },
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ body }) => ({ body: await listExchangeTransfers(body) }));
