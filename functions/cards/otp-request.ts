/** POST /api/v1/cashback/members/otp/request: mails or texts the member a 6-digit code (scope cashback_write). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { requestOtp } from '../../lib/cards/otp.js';
import { otpRequestSchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_write');
  return cardsSuccess(await requestOtp(caller, validate(otpRequestSchema, req.body)));
});
