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
  description:
    'Wrong codes count per member across all codes sent: after OTP_MAX_FAILURES_PER_DAY (10) wrong codes in a UTC day, verification is refused ' +
    '(429 `otp_rate_limited`, details `cap: member_failures_per_day` and `resets_at`) until the day ends, even with a right code; asking for a new ' +
    'code does not reset it. The token carries when it was issued: for PIN_CHANGE_FRESH_SECONDS it also lets the member set a new PIN.',
  body: otpVerifySchema,
  requestExample: { card_id: 10, email: 'member@example.com', code: '123456' },
  response: otpVerifyResponseSchema,
  errors: cardErrors({ 401: 'Wrong, expired or used code', 429: 'Too many wrong codes for this member today (error.details: cap, limit, resets_at)' }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await verifyOtp(caller, body)));
