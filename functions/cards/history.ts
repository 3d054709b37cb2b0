/** GET /api/v1/cashback/cashback/history?card_id=&member_id=&limit=&offset= (scope cashback_read). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { history } from '../../lib/cards/index.js';
import { historyQuerySchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'cashback_read');
  return cardsSuccess(await history(caller, validate(historyQuerySchema, req.query)));
});
