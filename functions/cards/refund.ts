/** POST /api/v1/cashback/cashback/refund (scope cashback_write). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { refund } from '../../lib/cards/index.js';
import { refundSchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_write');
  return cardsSuccess(await refund(caller, validate(refundSchema, req.body)));
});
