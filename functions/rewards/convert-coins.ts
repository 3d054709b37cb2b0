/** GET /rewards/convert/coins (identity ticket): coins to a fiat value at the current coin price, stating the price used. */
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { exactNumber } from '../../lib/json.js';
import { convertCoins } from '../../lib/rates/index.js';
import { convertCoinsQuerySchema, convertCoinsResponseSchema } from '../../lib/rates/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/rewards/convert/coins',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Coins to a fiat value at the current coin price',
  description:
    'Parameters are query parameters. The currency is `currency`, else the currency of `country`, else aud. `value` is coins x price floored to 8 decimal places; `price` and `price_at` are the price used and when it was set.',
  query: convertCoinsQuerySchema,
  response: convertCoinsResponseSchema,
  responseExample: { currency: 'aud', value: 0.000024, price: 0.00024, price_at: '2026-01-05T10:00:00.000Z' },
  errors: {
    400: 'Bad coins, or a currency or country without a coin price (payments-bad_coins, payments-unknown_currency, payments-unknown_country)',
    401: 'Missing or invalid identity ticket',
    422: 'No price is set for the currency (payments-no_price)',
  },
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ query }) => {
  const c = await convertCoins(query.coins, { ...(query.currency !== undefined ? { currency: query.currency } : {}), ...(query.country !== undefined ? { country: query.country } : {}) });
  return { body: { currency: c.currency, value: exactNumber(c.value), price: exactNumber(c.price), price_at: c.priceAt } };
});
