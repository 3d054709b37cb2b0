/**
 * POST /new_purchase: a partner asks for cashback on a purchase, paid on the main network. The contract and
 * handler are shared with POST /test/new_purchase (the testnet: its own funds, deposits and ledger).
 */
import type { Network } from '../../lib/db/keys.js';
import { partnerKey } from '../../lib/http/auth/partner.js';
import { partnerCashbackFamily } from '../../lib/http/families.js';
import { exactNumber } from '../../lib/json.js';
import { defineRoute, routeHandler, type RouteHandlerOf } from '../../lib/http/route.js';
import { newPurchase } from '../../lib/purchases/index.js';
import { newPurchaseResponseSchema, newPurchaseSchema } from '../../lib/purchases/schema.js';

const NETWORK_LABEL: Record<Network, string> = { main: 'main network', test: 'testnet: separate funds and ledger' };

/* @__NO_SIDE_EFFECTS__ */
export function newPurchaseRoute(path: string, network: Network) {
  return defineRoute({
    method: 'POST',
    path,
    family: partnerCashbackFamily,
    auth: partnerKey,
    summary: `Request cashback for a purchase (${NETWORK_LABEL[network]})`,
    description:
      'Obyte-compatible. Send JSON or application/x-www-form-urlencoded. An order_id pays at most once: repeating the same request returns the first answer; reusing the order_id with other parameters is a 409. ' +
      'What a purchase takes from the shared distribution fund (base + match) is limited per partner: per purchase (422 above it) and per UTC day (429 once the day\'s takes would pass it; it resets at 00:00 UTC). ' +
      'The defaults are the deployment\'s PARTNER_MAX_FUND_PER_PURCHASE and PARTNER_MAX_FUND_PER_DAY (1,000 and 10,000 tokens unless configured); the operator may set other limits for a partner. A refused purchase writes nothing; a repeat of a paid order is answered as before, whatever the limits.',
    body: newPurchaseSchema,
    emptyFieldsAbsent: true,
    requestExample: {
      partner: 'demo-shop',
      partner_key: 'pk_...',
      customer: 'customer-42',
      order_id: 'order-1001',
      description: 'Coffee beans',
      address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      currency: 'USD',
      currency_amount: 25.5,
      partner_cashback_percentage: 2,
    },
    response: newPurchaseResponseSchema,
    responseExample: { result: 'ok', cashback_amount: 3570000000000000000, unit: 'kYbc5KGKB/KnjynYePEF4cpumKmOz22xVKSVWbmtZ0M=' },
    errors: {
      400: 'Invalid or missing parameter, malformed body',
      401: 'authentication failed',
      409: 'order_id already used with different parameters',
      413: 'Body larger than 16 KiB',
      415: 'Unsupported content type',
      422: 'Insufficient partner deposit, distribution fund exhausted, amount too small, or the fund take (base + match) over the partner\'s limit per purchase',
      429: 'The partner\'s daily limit on the distribution fund would be passed (resets at 00:00 UTC)',
      503: 'No rate for the currency, or too much contention: retry',
    },
    uses: ['cashback'],
  });
}

/** Pays the purchase on `network`; the cashback is written as an exact JSON integer. */
export const newPurchaseHandler =
  (network: Network): RouteHandlerOf<ReturnType<typeof newPurchaseRoute>> =>
  async ({ caller, body }) => {
    const { cashback_amount, unit } = await newPurchase(network, caller, body);
    return { body: { result: 'ok', cashback_amount: exactNumber(cashback_amount.toString()), unit } };
  };

export const route = newPurchaseRoute('/new_purchase', 'main');

export const handler = routeHandler(route, newPurchaseHandler('main'));
