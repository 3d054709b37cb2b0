/** POST /api/v1/cashback/members/otp/verify: a correct code answers a member token. */
import { verifyOtp } from '../../lib/cards/otp.js';
import { cardErrors, otpVerifyResponseSchema, otpVerifySchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/api/v1/cashback/members/otp/verify',
  family: cardsFamily,
  auth: appKey('cashback_write'),
  summary: 'Exchange the code for a member token',
  body: otpVerifySchema,
  requestExample: { card_id: 10, email: 'member@example.com', code: '123456' },
  response: otpVerifyResponseSchema,
  errors: cardErrors({ 401: 'Wrong, expired or used code' }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await verifyOtp(caller, body)));
