/** POST /api/v1/cashback/members/pin: the member (X-Member-Token) sets the PIN used for redemption. */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp, verifyMemberToken } from '../../lib/cards/auth.js';
import { setMemberPin } from '../../lib/cards/index.js';
import { setPinSchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_write');
  const memberId = verifyMemberToken(req.headers, caller.appId);
  return cardsSuccess(await setMemberPin(caller, memberId, validate(setPinSchema, req.body).pin));
});
