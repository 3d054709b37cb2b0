/** POST /payments-service/transfer/approve (system role): a moderator approves a pending exchange transfer. */
import { exchangeTransferView } from '../../lib/exchanges/transfer-records.js';
import { decideExchangeTransfer } from '../../lib/exchanges/transfers.js';
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler, type RouteHandlerOf } from '../../lib/http/route.js';
import { exchangeTransferAnswerSchema, exchangeTransferDecisionSchema } from '../../lib/withdrawals/schema.js';

type Decision = 'approve' | 'reject';

const WHAT: Record<Decision, { summary: string; effect: string }> = {
  approve: { summary: 'Approve', effect: 'Approving sends it at once' },
  reject: { summary: 'Reject', effect: 'Rejecting returns the coins and fee to the user and takes the withdrawal out of its month' },
};

/** The approve and reject routes: one contract, the decision in the path. */
export function transferDecisionRoute(decision: Decision) {
  return defineRoute({
    method: 'POST',
    path: `/payments-service/transfer/${decision}`,
    family: paymentsFamily,
    auth: systemRole,
    summary: `${WHAT[decision].summary} a pending Coinbase or Poloniex transfer (system role)`,
    description: `\`{"id": <manual code>}\`. The first decision wins (concurrent ones included): a later one answers the transfer as the first left it. ${WHAT[decision].effect}; the decision records the moderator (the system ticket's user) and the time.`,
    body: exchangeTransferDecisionSchema,
    requestExample: { id: 'urn:authenticateit:transaction_request:d31b278c-ea2a-4a0e-94a6-6d7cb78c6472:manual' },
    response: exchangeTransferAnswerSchema,
    errors: { 400: 'A bad id (payments-bad_id)', 401: 'Missing, invalid or expired ticket', 403: 'Not a system ticket (payments-not_system)', 404: 'No such transfer (payments-exchange_transfer_not_found)' },
    uses: ['identity', 'withdrawals'],
  });
}

export const transferDecisionHandler =
  (decision: Decision): RouteHandlerOf<ReturnType<typeof transferDecisionRoute>> =>
  async ({ caller, body }) => ({ body: exchangeTransferView(await decideExchangeTransfer(body.id, decision, caller.sub)) });

export const route = transferDecisionRoute('approve');

export const handler = routeHandler(route, transferDecisionHandler('approve'));
