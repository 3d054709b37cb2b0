/** POST /api/v1/cashback/members/otp/verify: a correct code answers a member token (scope cashback_write). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { verifyOtp } from '../../lib/cards/otp.js';
import { otpVerifySchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_write');
  return cardsSuccess(await verifyOtp(caller, validate(otpVerifySchema, req.body)));
});
