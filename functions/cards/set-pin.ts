/** POST /api/v1/cashback/members/pin: the member (X-Member-Token) sets the PIN used for redemption. */
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
  summary: 'The member sets their redemption PIN',
  body: setPinSchema,
  requestExample: { pin: '1234' },
  response: setPinResponseSchema,
  errors: cardErrors({ 401: 'Missing, invalid or expired X-Member-Token' }),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, body }) => cardsSuccess(await setMemberPin(caller.app, caller.memberId, body.pin)));
