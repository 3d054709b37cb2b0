/** GET /api/v1/cashback/cashback/balance: a member's balance on a card. */
import { balance } from '../../lib/cards/index.js';
import { balanceQuerySchema, balanceResponseSchema, cardErrors } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/api/v1/cashback/cashback/balance',
  family: cardsFamily,
  auth: appKey('cashback_read'),
  summary: "A member's cashback balance on a card",
  query: balanceQuerySchema,
  response: balanceResponseSchema,
  responseExample: { success: true, data: { card_id: 10, member_id: 123, cashback_balance: 12.5, cashback_percentage: 5, reward_system: 'cashback', currency: 'USD', queried_at: '2025-01-15T10:30:00Z' } },
  errors: cardErrors(),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, query }) => cardsSuccess(await balance(caller, query.card_id, query.member_id)));
