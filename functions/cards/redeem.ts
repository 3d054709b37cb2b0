/** POST /api/v1/cashback/cashback/redeem: the member (X-Member-Token) redeems from their balance. */
import { redeem } from '../../lib/cards/index.js';
import { cardErrors, redeemResponseSchema, redeemSchema } from '../../lib/cards/schema.js';
import { memberToken } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/api/v1/cashback/cashback/redeem',
  family: cardsFamily,
  auth: memberToken('cashback_write'),
  summary: "Redeem from the member's balance (member auth required)",
  description: "Debits the member named by X-Member-Token. Never below zero, even under concurrent redeems. With `pin`, the member's PIN is checked; PIN_MAX_FAILURES wrong PINs lock redemption for PIN_LOCK_SECONDS.",
  body: redeemSchema,
  requestExample: { card_id: 10, amount: 5.0, pin: '1234', reference: 'REDEEM-ORDER-12345' },
  response: redeemResponseSchema,
  responseExample: { success: true, data: { transaction_id: 457, amount_redeemed: 5.0, new_balance: 7.5, member_id: 123, card_id: 10, redeemed_at: '2025-01-15T11:00:00Z', reference: 'REDEEM-ORDER-12345' } },
  errors: cardErrors({ 401: 'Missing, invalid or expired X-Member-Token', 403: 'Scope missing, wrong PIN, PIN required, or redemption locked', 409: 'reference already used with other parameters', 422: 'Insufficient balance, or PIN not allowed / not set' }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await redeem(caller.app, caller.memberId, body)));
