/** POST /new_purchase: a partner asks for cashback on a purchase, paid on the main network. */
import { routeHandler } from '../../lib/http/route.js';
import { newPurchaseHandler, newPurchaseRoute } from '../../lib/purchases/route.js';

export const route = newPurchaseRoute('/new_purchase', 'main');

export const handler = routeHandler(route, newPurchaseHandler('main'));
