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
  description: 'Valid 10 minutes, 5 tries, single use; a new code at most every 30 seconds (429 otherwise).',
  body: otpRequestSchema,
  requestExample: { card_id: 10, email: 'member@example.com' },
  response: otpRequestResponseSchema,
  errors: cardErrors({ 429: 'A code was sent moments ago' }),
  uses: ['cards', 'sms', 'queue:mail'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await requestOtp(caller, body)));
