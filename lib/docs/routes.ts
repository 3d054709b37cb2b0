/** Every HTTP route with its schemas: the source of the OpenAPI document. A test checks it against serverless.yml. */
import type * as z from 'zod/mini';
import { newPurchaseResponseSchema, newPurchaseSchema, obyteErrorSchema } from '../purchases/schema.js';
import { textcoinClaimResponseSchema, textcoinClaimSchema } from '../payouts/schema.js';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  request?: z.ZodMiniType;
  requestExample?: Record<string, unknown>;
  response?: z.ZodMiniType;
  responseExample?: unknown;
  html?: boolean;
  errors?: Record<number, string>;
  errorSchema?: z.ZodMiniType;
}

const purchaseExample = {
  partner: 'demo-shop',
  partner_key: 'pk_...',
  customer: 'customer-42',
  order_id: 'order-1001',
  description: 'Coffee beans',
  address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  currency: 'USD',
  currency_amount: 25.5,
  partner_cashback_percentage: 2,
};

const purchaseErrors = {
  400: 'Invalid or missing parameter, malformed body',
  401: 'authentication failed',
  409: 'order_id already used with different parameters',
  413: 'Body larger than 16 KiB',
  415: 'Unsupported content type',
  422: 'Insufficient partner deposit, distribution fund exhausted, or amount too small',
  503: 'No rate for the currency, or too much contention: retry',
};

const newPurchase = (path: string, network: string): RouteDoc => ({
  method: 'post',
  path,
  tag: 'Partner cashback',
  summary: `Request cashback for a purchase (${network})`,
  description:
    'Obyte-compatible. Send JSON or application/x-www-form-urlencoded. An order_id pays at most once: repeating the same request returns the first answer; reusing the order_id with other parameters is a 409.',
  request: newPurchaseSchema,
  requestExample: purchaseExample,
  response: newPurchaseResponseSchema,
  responseExample: { result: 'ok', cashback_amount: 3570000000000000000, unit: 'kYbc5KGKB/KnjynYePEF4cpumKmOz22xVKSVWbmtZ0M=' },
  errors: purchaseErrors,
  errorSchema: obyteErrorSchema,
});

export const routes: RouteDoc[] = [
  newPurchase('/new_purchase', 'main network'),
  newPurchase('/test/new_purchase', 'testnet: separate funds and ledger'),
  { method: 'get', path: '/textcoin/{code}', tag: 'Textcoins', summary: 'Claim page for cashback sent to an email address', html: true },
  {
    method: 'post',
    path: '/textcoin/{code}',
    tag: 'Textcoins',
    summary: 'Claim emailed cashback to an Ethereum address',
    description: 'Form posts from the claim page get an HTML page back; JSON requests get JSON.',
    request: textcoinClaimSchema,
    requestExample: { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
    response: textcoinClaimResponseSchema,
    errors: { 400: 'Invalid address', 404: 'Unknown or tampered link', 409: 'Already claimed', 410: 'Expired' },
    errorSchema: obyteErrorSchema,
  },
  { method: 'get', path: '/openapi.json', tag: 'Docs', summary: 'This OpenAPI 3.1 document' },
  { method: 'get', path: '/docs', tag: 'Docs', summary: 'Human-readable API reference', html: true },
];
