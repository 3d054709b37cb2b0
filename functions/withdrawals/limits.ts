/** GET /payments-service/withdrawal/limits (identity ticket): this month's limits, what was withdrawn and what is left. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { withdrawalLimitsView } from '../../lib/withdrawals/index.js';
import { limitsResponseSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/withdrawal/limits',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your withdrawal limits this month: by earnings and by level, what was withdrawn, what is left',
  description:
    "The period is the calendar month in WITHDRAWAL_TIMEZONE. Earnings bound: what earlier months left unwithdrawn plus this month's earnings. Level bound: level_max_value + booster x level_max_value (at most level_max_booster), in coins at the current price. current_rest_coins is the tighter of the two (current_rest_type names it). Values are in your country's currency, to the cent.",
  response: limitsResponseSchema,
  responseExample: {
    currency: 'AUD',
    currency_low: 'aud',
    currency_symbol: '$',
    current_limit: {
      coins_limit_based_on_earnings: '1660000000000000000000',
      coins_transfered: '1620000000000000000000',
      coins_transfered_wo_boosters: '1620000000000000000000',
      current_booster: 0.5,
      current_coins_price: 1.2e-20,
      current_level: 'basic',
      current_level_max_value: 30,
      current_level_max_value_earnings: 19.92,
      current_rest: 0.48,
      current_rest_coins: '40000000000000000000',
      current_rest_type: 'rest_based_earnings',
      current_value: 19.44,
      ts_from: '2022-08-31T14:00:00Z',
      ts_to: '2022-09-30T14:00:00Z',
    },
    levels_limits: [{ level: 'basic', level_max_booster: 50, level_max_value: 20, level_max_value_with_booster: 70 }],
    start_ts: '2022-05-31T14:00:00Z',
  },
  errors: ticketErrors({ 422: 'No coin price is set for your currency (payments-no_price)' }),
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await withdrawalLimitsView(caller.sub) }));
