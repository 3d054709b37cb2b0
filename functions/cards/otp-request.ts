/** POST /api/v1/cashback/members/otp/request: mails or texts the member a 6-digit code. */
import { requestOtp } from '../../lib/cards/otp.js';
import { cardErrors, otpRequestResponseSchema, otpRequestSchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/api/v1/cashback/members/otp/request',
  family: cardsFamily,
  auth: appKey('cashback_write'),
  summary: 'Send a member a 6-digit code (email or SMS)',
  description:
    'Valid 10 minutes (OTP_TTL_SECONDS), 5 tries (OTP_MAX_TRIES), single use. Limits, each a 429 `otp_rate_limited` whose `details` name the ' +
    '`cap` and when it resets: a new code at most every 30 seconds per member (`min_interval`, OTP_MIN_INTERVAL_SECONDS); at most 5 codes per member ' +
    'per UTC hour (`member_per_hour`) and 10 per UTC day (`member_per_day`); at most 1000 codes per app per UTC hour (`app_per_hour`) and 10000 per ' +
    'UTC day (`app_per_day`) (OTP_SENDS_PER_MEMBER_HOUR/_DAY, OTP_SENDS_PER_APP_HOUR/_DAY). A refused request sends nothing and spends no cap.',
  body: otpRequestSchema,
  requestExample: { card_id: 10, email: 'member@example.com' },
  response: otpRequestResponseSchema,
  errors: cardErrors({ 429: 'A code was sent moments ago, or a send cap of the member or the app is reached (error.details: cap, limit, resets_at)' }),
  uses: ['cards', 'sms', 'queue:mail'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await requestOtp(caller, body)));
