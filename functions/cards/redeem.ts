/** POST /api/v1/cashback/cashback/redeem (scope cashback_write + the member's X-Member-Token). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp, verifyMemberToken } from '../../lib/cards/auth.js';
import { redeem } from '../../lib/cards/index.js';
import { redeemSchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_write');
  const memberId = verifyMemberToken(req.headers, caller.appId);
  return cardsSuccess(await redeem(caller, memberId, validate(redeemSchema, req.body)));
});
