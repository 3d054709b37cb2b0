/** GET /api/v1/cashback/cards/{id}: one of the app's cards. */
import { cardView, requireCard } from '../../lib/cards/index.js';
import { cardErrors, cardPathSchema, cardResponseSchema } from '../../lib/cards/schema.js';
import { appKey } from '../../lib/http/auth/cards.js';
import { cardsFamily, cardsSuccess } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/api/v1/cashback/cards/{id}',
  family: cardsFamily,
  auth: appKey('card_read'),
  summary: 'One card',
  params: cardPathSchema,
  response: cardResponseSchema,
  errors: cardErrors(),
  uses: ['cards'],
});

export const handler = routeHandler(route, async ({ caller, params }) => cardsSuccess(cardView(await requireCard(caller, params.id))));
