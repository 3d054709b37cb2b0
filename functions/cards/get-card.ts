/** GET /api/v1/cashback/cards/{id} (scope card_read). */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { cardView, requireCard } from '../../lib/cards/index.js';
import { cardPathSchema } from '../../lib/cards/schema.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => {
  const caller = await authenticateApp(req.headers, 'card_read');
  return cardsSuccess(cardView(await requireCard(caller, validate(cardPathSchema, req.path).id)));
});
