/** GET /api/v1/cashback/cashback/history: a member's transactions on a card, newest first. */
import { history } from '../../lib/cards/index.js';
import { cardErrors, historyQuerySchema, historyResponseSchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/api/v1/cashback/cashback/history',
  family: cardsFamily,
  auth: appKey('cashback_read'),
  summary: 'Transaction history, newest first',
  description: "limit 1-100 (default 20), offset >= 0; total counts all of the member's transactions on the card.",
  query: historyQuerySchema,
  response: historyResponseSchema,
  responseExample: {
    success: true,
    data: {
      card_id: 10,
      member_id: 123,
      transactions: [{ id: 457, type: 'redemption', amount: -5.0, points: 0, event: 'cashback_redeemed', reference: null, created_at: '2025-01-15T11:00:00Z' }],
      pagination: { limit: 20, offset: 0, total: 45, has_more: true },
    },
  },
  errors: cardErrors(),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, query }) => cardsSuccess(await history(caller, query)));
