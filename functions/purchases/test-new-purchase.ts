/** POST /test/new_purchase: the same request on the testnet (its own funds, deposits and ledger). */
import { routeHandler } from '../../lib/http/route.js';
import { newPurchaseHandler, newPurchaseRoute } from './new-purchase.js';

export const route = newPurchaseRoute('/test/new_purchase', 'test');

export const handler = routeHandler(route, newPurchaseHandler('test'));
