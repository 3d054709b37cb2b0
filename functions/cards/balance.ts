/** GET /api/v1/cashback/cashback/balance?card_id=&member_id= (scope cashback_read). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { balance } from '../../lib/cards/index.js';
import { balanceQuerySchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_read');
  const q = validate(balanceQuerySchema, req.query);
  return cardsSuccess(await balance(caller, q.card_id, q.member_id));
});
