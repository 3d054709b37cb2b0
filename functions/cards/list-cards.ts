/** GET /api/v1/cashback/cards (scope card_read): the calling app's cards. */
import { cardsConfig, coreConfig } from '../../lib/config/index.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { listCards } from '../../lib/cards/index.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
cardsConfig();

export const handler = httpHandler(cardsFamily, async (req) => cardsSuccess(await listCards(await authenticateApp(req.headers, 'card_read'))));
