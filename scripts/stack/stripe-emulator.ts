/**
 * The local Stripe: stripe-stateful-mock (customers, cards from test tokens, charges, refunds, idempotency),
 * plus what it lacks and the platform needs:
 * - `POST /v1/tokens`: Stripe's documented test card numbers become single-use tokens standing for the mock's
 *   test tokens (`tok_visa`, `tok_chargeDeclinedInsufficientFunds`, ...), keeping the card's last four digits and expiry;
 * - saving a card (`POST /v1/customers/:id/sources`) as Stripe does it: an unknown or used token is a 400
 *   (the mock answers 500) and a declined card is not left on the customer.
 * Card numbers are never logged or kept. Run as a child of the local stack: `stripe-emulator.ts <port>`.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { readBody } from './emulator-http.js';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

interface MockCard {
  id: string;
  last4: string;
  exp_month: number;
  exp_year: number;
}
interface MockCustomer {
  default_source: string | null;
  sources: { data: MockCard[] };
}
const mockModule = createRequire(import.meta.url);
const { createExpressApp } = mockModule('stripe-stateful-mock') as { createExpressApp: () => RequestListener };
const { customers } = mockModule('stripe-stateful-mock/dist/api/customers') as {
  customers: { retrieve(account: string, id: string, param: string): MockCustomer; createCard(account: string, customer: string, params: { source: string }): MockCard };
};
const ACCOUNT = 'acct_default';

/** Stripe's test card numbers -> the mock's tokens for the same card and behaviour. */
const TEST_CARDS: Record<string, string> = {
  '4242424242424242': 'tok_visa',
  '4000056655665556': 'tok_visa_debit',
  '5555555555554444': 'tok_mastercard',
  '5200828282828210': 'tok_mastercard_debit',
  '5105105105105100': 'tok_mastercard_prepaid',
  '378282246310005': 'tok_amex',
  '4000001240000000': 'tok_ca',
  '4000000000000341': 'tok_chargeCustomerFail',
  '4000000000009235': 'tok_riskLevelElevated',
  '4000000000000002': 'tok_chargeDeclined',
  '4000000000009995': 'tok_chargeDeclinedInsufficientFunds',
  '4100000000000019': 'tok_chargeDeclinedFraudulent',
  '4000000000000127': 'tok_chargeDeclinedIncorrectCvc',
  '4000000000000069': 'tok_chargeDeclinedExpiredCard',
  '4000000000000119': 'tok_chargeDeclinedProcessingError',
  '4000000000000259': 'tok_createDispute',
};
const KNOWN_TOKENS = new Set([...Object.values(TEST_CARDS), 'tok_forget', 'tok_createDisputeProductNotReceived', 'tok_createDisputeInquiry', 'tok_429', 'tok_500']);

const BRANDS: [RegExp, string][] = [
  [/^4/, 'Visa'],
  [/^5[1-5]|^2[2-7]/, 'MasterCard'],
  [/^3[47]/, 'American Express'],
];

const luhn = (digits: string) =>
  [...digits].reverse().reduce((sum, d, i) => {
    const n = Number(d) * (i % 2 ? 2 : 1);
    return sum + (n > 9 ? n - 9 : n);
  }, 0) %
    10 ===
  0;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(7).toString('hex')}` });
  res.end(JSON.stringify(body));
}

const cardError = (code: string, message: string, param: string, extra: Record<string, string> = {}) => ({ error: { type: 'card_error', code, message, param, ...extra } });

/** Tokens made by POST /v1/tokens, until used. */
const issuedTokens = new Map<string, { mockToken: string; last4: string; exp_month: number; exp_year: number }>();

/** Stripe's answer to a card given in full: a token, or the card error Stripe gives for such details. */
function tokenFor(form: URLSearchParams): { status: number; body: unknown } {
  const number = (form.get('card[number]') ?? '').replace(/[\s-]/g, '');
  const month = Number(form.get('card[exp_month]'));
  const year = Number(form.get('card[exp_year]'));
  const cvc = form.get('card[cvc]') ?? '';
  const now = new Date();
  if (!/^\d{12,19}$/.test(number) || !luhn(number)) return { status: 402, body: cardError('incorrect_number', 'Your card number is incorrect.', 'number') };
  if (!Number.isInteger(month) || month < 1 || month > 12) return { status: 402, body: cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month') };
  if (!Number.isInteger(year) || year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) {
    return { status: 402, body: cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'exp_year') };
  }
  if (cvc && !/^\d{3,4}$/.test(cvc)) return { status: 402, body: cardError('invalid_cvc', "Your card's security code is invalid.", 'cvc') };
  const mockToken = TEST_CARDS[number];
  if (!mockToken) return { status: 402, body: cardError('card_declined', 'Your card was declined. Your request was in test mode, but used a non test card.', '', { decline_code: 'test_mode_live_card' }) };
  const id = `tok_${randomBytes(12).toString('hex')}`;
  issuedTokens.set(id, { mockToken, last4: number.slice(-4), exp_month: month, exp_year: year });
  return {
    status: 200,
    body: {
      id,
      object: 'token',
      type: 'card',
      used: false,
      livemode: false,
      created: Math.floor(Date.now() / 1000),
      card: { id: `card_${randomBytes(12).toString('hex')}`, object: 'card', brand: BRANDS.find(([re]) => re.test(number))?.[1] ?? 'Unknown', last4: number.slice(-4), exp_month: month, exp_year: year, funding: 'credit', country: 'US' },
    },
  };
}

/** Saves a card from a token on a customer, or answers Stripe's error; a declined card does not stay on the customer. */
function saveCard(customerId: string, source: string): { status: number; body: unknown } {
  const issued = issuedTokens.get(source);
  issuedTokens.delete(source); // single use, as at Stripe
  const mockToken = issued?.mockToken ?? (KNOWN_TOKENS.has(source) ? source : undefined);
  if (!mockToken) return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such token', param: 'source' } } };
  let customer: MockCustomer;
  try {
    customer = customers.retrieve(ACCOUNT, customerId, 'customer');
  } catch (err) {
    return restError(err);
  }
  const before = { cards: [...customer.sources.data], defaultSource: customer.default_source };
  try {
    const card = customers.createCard(ACCOUNT, customerId, { source: mockToken });
    if (issued) Object.assign(card, { last4: issued.last4, exp_month: issued.exp_month, exp_year: issued.exp_year });
    return { status: 200, body: card };
  } catch (err) {
    customer.sources.data = before.cards;
    customer.default_source = before.defaultSource;
    return restError(err);
  }
}

function restError(err: unknown): { status: number; body: unknown } {
  const { statusCode, error } = err as { statusCode?: number; error?: unknown };
  if (!statusCode || !error) throw err;
  return { status: statusCode, body: { error } };
}


const authorized = (req: IncomingMessage) => /^Bearer sk_test_/.test(req.headers.authorization ?? '');

export function stripeEmulator(): RequestListener {
  const mock = createExpressApp();
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const addsSource = req.method === 'POST' && /^\/v1\/customers\/[^/]+\/sources$/.test(path);
    if (!(req.method === 'POST' && path === '/v1/tokens') && !addsSource) return mock(req, res);
    void readBody(req).then((text) => {
      const form = new URLSearchParams(text);
      if (!authorized(req)) return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      if (!addsSource) {
        const { status, body } = tokenFor(form);
        return send(res, status, body);
      }
      const { status, body } = saveCard(decodeURIComponent(path.split('/')[3]!), form.get('source') ?? '');
      send(res, status, body);
    }).catch(() => send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } }));
  };
}

// Child-process entry point used by the local stack.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const port = Number(process.argv[2]);
  createServer(stripeEmulator()).listen(port, '127.0.0.1', () => console.log(`stripe emulator on 127.0.0.1:${port}`));
}
