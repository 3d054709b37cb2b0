/** GET /api/v1/cashback/cards: the calling app's cards. */
import { listCards } from '../../lib/cards/index.js';
import { cardErrors, cardsResponseSchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/api/v1/cashback/cards',
  family: cardsFamily,
  auth: appKey('card_read'),
  summary: "The app's cashback cards",
  response: cardsResponseSchema,
  errors: cardErrors(),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller }) => cardsSuccess(await listCards(caller)));
