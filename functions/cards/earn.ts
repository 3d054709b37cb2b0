/** POST /api/v1/cashback/cashback/earn: cashback on a purchase. */
import { earn } from '../../lib/cards/index.js';
import { cardErrors, earnResponseSchema, earnSchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/api/v1/cashback/cashback/earn',
  family: cardsFamily,
  auth: appKey('cashback_write'),
  summary: 'Earn cashback on a purchase',
  description:
    "Credits card percentage x purchase_amount (floored to the currency's minor unit, capped at cashback_max_amount) to the member. Purchases below cashback_min_amount earn nothing and say so in cashback_skipped_reason. A member is created from email/phone (with member_name) when none exists. The same reference returns the first transaction.",
  body: earnSchema,
  requestExample: { card_id: 10, member_id: 123, purchase_amount: 50.0, reference: 'ORDER-12345', metadata: { store_location: 'Downtown', cashier_id: 'EMP-001' } },
  response: earnResponseSchema,
  responseExample: { success: true, data: { transaction_id: 456, purchase_amount: 50.0, cashback_percentage: 5, cashback_earned: 2.5, new_balance: 12.5, member_id: 123, card_id: 10, earned_at: '2025-01-15T10:30:00Z', reference: 'ORDER-12345' } },
  errors: cardErrors({ 409: 'reference already used with other parameters' }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await earn(caller, body)));
