/** POST /payments-service/transfer/reject (system role): a moderator rejects a pending exchange transfer. */
import { routeHandler } from '../../lib/http/route.js';
import { transferDecisionHandler, transferDecisionRoute } from './transfer-approve.js';

export const route = transferDecisionRoute('reject');

export const handler = routeHandler(route, transferDecisionHandler('reject'));
