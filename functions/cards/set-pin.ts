/** POST /api/v1/cashback/members/pin: the member (X-Member-Token) sets or replaces the PIN used for redemption. */
import { setMemberPin } from '../../lib/cards/index.js';
import { cardErrors, setPinResponseSchema, setPinSchema } from '../../lib/cards/schema.js';
import { memberToken } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/api/v1/cashback/members/pin',
  family: cardsFamily,
  auth: memberToken('cashback_write'),
  summary: 'The member sets or replaces their redemption PIN',
  description:
    'A member token alone is not enough. Either the token was issued by an OTP verification at most PIN_CHANGE_FRESH_SECONDS (300) ago ' +
    '(verify the member, then set the PIN: `{"pin":"1234"}`; also the way to reset a forgotten PIN), or the request carries the current PIN ' +
    '(`{"pin":"5678","current_pin":"1234"}`): a wrong `current_pin` counts as a wrong PIN and the PIN locks after PIN_MAX_FAILURES, and a locked ' +
    'PIN cannot be changed with it. Setting a PIN never lifts a lock nor forgives wrong PINs.',
  body: setPinSchema,
  requestExample: { pin: '5678', current_pin: '1234' },
  response: setPinResponseSchema,
  responseExample: { success: true, data: { member_id: 123, pin_set: true } },
  errors: cardErrors({
    401: 'Missing, invalid or expired X-Member-Token',
    403: 'Scope missing; no proof (pin_proof_required: the token is older than PIN_CHANGE_FRESH_SECONDS and no current_pin); wrong current_pin (invalid_pin); PIN locked (pin_locked)',
    422: 'current_pin sent but the member has no PIN yet (pin_not_set)',
  }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await setMemberPin(caller.app, caller.memberId, body, caller.tokenIssuedAt)));
