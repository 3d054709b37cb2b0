/** POST /api/v1/cashback/cashback/refund: deducts cashback for a refunded purchase. */
import { refund } from '../../lib/cards/index.js';
import { cardErrors, refundResponseSchema, refundSchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/api/v1/cashback/cashback/refund',
  family: cardsFamily,
  auth: appKey('cashback_write'),
  summary: 'Deduct cashback for a refunded purchase',
  description:
    "Naming the earning (transaction_id or original_reference): deducts floor(earned x refunded / purchase) minus earlier deductions, never more than it earned. Otherwise: floor(refund_amount x card percentage), never more than the member's earned-and-not-refunded cashback. cashback_to_deduct overrides the amount, not the cap. When the balance is short, what is there is deducted and balance_warning says so.",
  body: refundSchema,
  requestExample: { card_id: 10, member_id: 123, refund_amount: 25.0, reference: 'REFUND-ORDER-12345' },
  response: refundResponseSchema,
  responseExample: { success: true, data: { transaction_id: 459, cashback_deducted: 1.25, refund_amount: 25.0, previous_balance: 12.5, new_balance: 11.25, currency: 'TND', member_id: 123, card_id: 10, reference: 'REFUND-ORDER-12345', balance_warning: null, refunded_at: '2025-01-15T12:00:00Z' } },
  errors: cardErrors({ 409: 'reference already used with other parameters', 422: 'Refund larger than the purchase, or cashback_to_deduct above the cap' }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await refund(caller, body)));
