/**
 * The local Poloniex: the signed spot REST calls the platform's adapter (lib/exchanges/poloniex.ts) makes, for
 * one account (the platform's), in memory. Run as a child of the local stack: `poloniex-emulator.ts <port>`,
 * with POLONIEX_API_KEY and POLONIEX_API_SECRET in its environment (the only key it accepts) and the account
 * funded with 1,000,000 of POLONIEX_CURRENCY.
 *
 * Poloniex's API, as emulated:
 * - Signed requests: headers `key`, `signTimestamp` (ms), `signature` = base64 HMAC-SHA256 under the secret of
 *   "METHOD\n/path\n<GET: sorted k=v params with signTimestamp | POST: requestBody=<body>&signTimestamp=<ts>>".
 *   Missing headers: 401 with an empty body. Unknown key or wrong signature: 400
 *   {"code":"FORBIDDEN","message":"Invalid API key/secret pair."}. A signTimestamp more than 1 s ahead or more
 *   than 60 s old: 400 {"code":400,"message":"Invalid signTimestamp ..."}; older than an optional `recvWindow`
 *   header (ms): 408. (The 400/408 statuses are Poloniex's documented ones; the body and the 60 s are ours.)
 * - POST /v2/wallets/withdraw {coin, network, amount, address} -> {"withdrawalRequestsId": n}. Amounts are
 *   decimal strings with at most 8 decimals. Too little balance: 400 {"code":21709,"message":"Low available
 *   balance"}; an unknown coin: 400 {"code":21102,...}; a bad amount, network or address: 400 {"code":601,...}.
 *   A withdrawal is PENDING, then COMPLETE (with a txid) after `completeAfterMs` (default 3 s), or COMPLETE
 *   ERROR when an error rule matches it (its coins return to the balance).
 * - GET /wallets/activity?start=<s>&end=<s>[&activityType=withdrawals] -> {"deposits":[],"withdrawals":[{
 *   withdrawalRequestsId, currency, address, amount, fee, timestamp (s), status, txid, ipAddress, paymentID }]}.
 * - GET /accounts/balances -> [{accountId, accountType: "SPOT", balances: [{currency, available, hold}]}].
 *
 * Test controls (not Poloniex's; unsigned, JSON bodies):
 * - POST /__emulator/fund {"currency":"RWD","amount":"100.5"}: adds to the balance (a negative amount takes).
 * - POST /__emulator/next-withdrawal {"outcome": ...}: queues what the next withdrawal request meets:
 *   "refuse" (answered {"code","message"} with "httpStatus", default 400 / 601 "Invalid Parameter"; nothing made),
 *   "complete-error" (made, ends in COMPLETE ERROR), "await-approval" (made, stays AWAITING APPROVAL until
 *   completed or failed below), "lose-answer" (made, then the connection is dropped unanswered),
 *   "delay" (made, answered after "delayMs").
 * - POST /__emulator/error-rules {"address"?: "0x..", "amount"?: "1.5"}: withdrawals to that address and/or of
 *   that amount end in COMPLETE ERROR. DELETE /__emulator/error-rules removes them all.
 * - POST /__emulator/withdrawals/<id>/complete | /fail: moves a withdrawal not yet final to COMPLETE | COMPLETE ERROR now.
 * - GET /__emulator/withdrawals: every withdrawal with its status. GET /__emulator/balances.
 * - POST /__emulator/settings {"completeAfterMs": n}. POST /__emulator/reset: back to the starting state.
 * The secret is never logged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { readBody } from './emulator-http.js';
import { formatUnits, parseUnits, TOKEN_DECIMALS } from '../../lib/ledger/money.js';

export interface PoloniexEmulatorOptions {
  apiKey: string;
  apiSecret: string;
  /** Starting balances: currency -> decimal amount. */
  balances?: Record<string, string>;
  /** The network every currency is withdrawn on. */
  network?: string;
  /** How long a new withdrawal stays PENDING before it completes. */
  completeAfterMs?: number;
  now?: () => number;
  /** Where withdrawals and their endings are reported (never a secret). */
  log?: (line: string) => void;
}

export type EmulatedStatus = 'PENDING' | 'AWAITING APPROVAL' | 'COMPLETE' | 'COMPLETE ERROR';

export interface EmulatedWithdrawal {
  withdrawalRequestsId: number;
  currency: string;
  network: string;
  address: string;
  /** Smallest units (18 decimals). */
  units: bigint;
  createdAt: number;
  status: EmulatedStatus;
  /** When a PENDING withdrawal becomes `finalStatus` by itself (null: only on command). */
  settleAt: number | null;
  finalStatus: 'COMPLETE' | 'COMPLETE ERROR';
  txid: string | null;
}

type NextWithdrawal =
  | { outcome: 'refuse'; httpStatus?: number; code?: number | string; message?: string }
  | { outcome: 'complete-error' | 'await-approval' | 'lose-answer' }
  | { outcome: 'delay'; delayMs: number };

const AMOUNT_DECIMALS = 8;
const FUTURE_TOLERANCE_MS = 1_000;
const MAX_AGE_MS = 60_000;
const FORBIDDEN = { code: 'FORBIDDEN', message: 'Invalid API key/secret pair.' };

const decimal = (units: bigint) => {
  const [whole, frac = ''] = formatUnits(units, TOKEN_DECIMALS).split('.');
  return `${whole}.${frac.padEnd(AMOUNT_DECIMALS, '0').slice(0, Math.max(AMOUNT_DECIMALS, frac.length))}`;
};

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}


const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** The GET parameters as Poloniex signs them: decoded, re-encoded, with signTimestamp, sorted. */
function signedQuery(rawQuery: string, timestamp: string): string {
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const [k = '', v = ''] = p.split('=');
      return [decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))] as const;
    });
  return [...pairs, ['signTimestamp', timestamp] as const]
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
}

export class PoloniexEmulator {
  private balances = new Map<string, bigint>();
  private withdrawals: EmulatedWithdrawal[] = [];
  private next: NextWithdrawal[] = [];
  private errorRules: { address?: string; units?: bigint }[] = [];
  private lastId = 16_705_000;
  private completeAfterMs: number;
  private readonly now: () => number;
  private readonly network: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PoloniexEmulatorOptions) {
    this.now = options.now ?? Date.now;
    this.network = options.network ?? 'ETH';
    this.log = options.log ?? (() => {});
    this.completeAfterMs = options.completeAfterMs ?? 3_000;
    this.reset();
  }

  reset(): void {
    this.balances = new Map(Object.entries(this.options.balances ?? {}).map(([c, a]) => [c.toUpperCase(), parseUnits(a, TOKEN_DECIMALS)]));
    this.withdrawals = [];
    this.next = [];
    this.errorRules = [];
    this.completeAfterMs = this.options.completeAfterMs ?? 3_000;
  }

  fund(currency: string, amount: string): bigint {
    if (!/^[A-Za-z0-9]{2,20}$/.test(currency)) throw new RangeError('currency must be a currency name like RWD');
    const negative = amount.trim().startsWith('-');
    const units = parseUnits(negative ? amount.trim().slice(1) : amount, TOKEN_DECIMALS);
    const key = currency.toUpperCase();
    const balance = (this.balances.get(key) ?? 0n) + (negative ? -units : units);
    if (balance < 0n) throw new RangeError('a balance cannot go below zero');
    this.balances.set(key, balance);
    return balance;
  }

  balanceList(): { currency: string; available: string; hold: string }[] {
    return [...this.balances].map(([currency, units]) => ({ currency, available: decimal(units), hold: '0.00000000' }));
  }

  /** Every withdrawal, its status brought up to now. */
  list(): EmulatedWithdrawal[] {
    for (const w of this.withdrawals) this.advance(w);
    return this.withdrawals;
  }

  /** Moves a withdrawal that is not final yet to COMPLETE or COMPLETE ERROR now; false if there is none such. */
  settle(id: number, status: 'COMPLETE' | 'COMPLETE ERROR'): boolean {
    const w = this.list().find((x) => x.withdrawalRequestsId === id);
    if (!w || w.status === 'COMPLETE' || w.status === 'COMPLETE ERROR') return false;
    this.finish(w, status);
    return true;
  }

  private advance(w: EmulatedWithdrawal): void {
    if (w.status === 'PENDING' && w.settleAt !== null && this.now() >= w.settleAt) this.finish(w, w.finalStatus);
  }

  private finish(w: EmulatedWithdrawal, status: 'COMPLETE' | 'COMPLETE ERROR'): void {
    w.status = status;
    w.settleAt = null;
    if (status === 'COMPLETE') w.txid = `0x${randomBytes(32).toString('hex')}`;
    else this.balances.set(w.currency, (this.balances.get(w.currency) ?? 0n) + w.units);
    this.log(`withdrawal ${w.withdrawalRequestsId} ${status}`);
  }

  /** Whether the request carries our key, a fresh timestamp and a good signature; if not, answers as Poloniex does. */
  private authorized(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, body: string): boolean {
    const key = header(req, 'key');
    const timestamp = header(req, 'signTimestamp');
    const given = header(req, 'signature');
    if (!key || !timestamp || !given) {
      send(res, 401);
      return false;
    }
    if (key !== this.options.apiKey) {
      send(res, 400, FORBIDDEN);
      return false;
    }
    const age = this.now() - Number(timestamp);
    const recvWindow = Number(header(req, 'recvWindow') ?? NaN);
    if (!/^\d{13}$/.test(timestamp) || age < -FUTURE_TOLERANCE_MS || age > MAX_AGE_MS) {
      send(res, 400, { code: 400, message: 'Invalid signTimestamp: it must be within 1 second ahead of and 60 seconds behind the server time' });
      return false;
    }
    if (Number.isFinite(recvWindow) && age > recvWindow) {
      send(res, 408, { code: 408, message: 'Request timeout: recvWindow exceeded' });
      return false;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const params = method === 'GET' || method === 'HEAD' ? signedQuery(rawQuery, timestamp) : `${body ? `requestBody=${body}&` : ''}signTimestamp=${timestamp}`;
    const expected = createHmac('sha256', this.options.apiSecret).update(`${method}\n${path}\n${params}`, 'utf8').digest();
    const received = Buffer.from(given, 'base64');
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      send(res, 400, FORBIDDEN);
      return false;
    }
    return true;
  }

  private withdraw(res: ServerResponse, body: string): void {
    let input: { coin?: unknown; network?: unknown; amount?: unknown; address?: unknown };
    try {
      input = JSON.parse(body || '{}') as typeof input;
    } catch {
      return send(res, 400, { code: 601, message: 'Invalid Parameter: the body is not JSON' });
    }
    const directive = this.next.shift();
    if (directive?.outcome === 'refuse') return send(res, directive.httpStatus ?? 400, { code: directive.code ?? 601, message: directive.message ?? 'Invalid Parameter' });
    const coin = typeof input.coin === 'string' ? input.coin.toUpperCase() : '';
    if (!coin) return send(res, 400, { code: 602, message: 'Missing Required Parameters: coin' });
    if (!this.balances.has(coin)) return send(res, 400, { code: 21102, message: 'Invalid currency' });
    if (input.network !== this.network) return send(res, 400, { code: 601, message: 'Invalid Parameter: network' });
    const amountText = typeof input.amount === 'string' || typeof input.amount === 'number' ? String(input.amount) : '';
    let units: bigint;
    try {
      units = parseUnits(amountText, AMOUNT_DECIMALS) * 10n ** BigInt(TOKEN_DECIMALS - AMOUNT_DECIMALS);
    } catch {
      return send(res, 400, { code: 601, message: `Invalid Parameter: amount (a decimal with at most ${AMOUNT_DECIMALS} decimals)` });
    }
    if (units <= 0n) return send(res, 400, { code: 601, message: 'Invalid Parameter: amount' });
    const address = typeof input.address === 'string' ? input.address : '';
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return send(res, 400, { code: 601, message: 'Invalid Parameter: address' });
    const balance = this.balances.get(coin) ?? 0n;
    if (balance < units) return send(res, 400, { code: 21709, message: 'Low available balance' });

    this.balances.set(coin, balance - units);
    const failing = directive?.outcome === 'complete-error' || this.errorRules.some((r) => (r.address === undefined || r.address === address.toLowerCase()) && (r.units === undefined || r.units === units));
    const w: EmulatedWithdrawal = {
      withdrawalRequestsId: ++this.lastId,
      currency: coin,
      network: this.network,
      address,
      units,
      createdAt: this.now(),
      status: directive?.outcome === 'await-approval' ? 'AWAITING APPROVAL' : 'PENDING',
      settleAt: directive?.outcome === 'await-approval' ? null : this.now() + this.completeAfterMs,
      finalStatus: failing ? 'COMPLETE ERROR' : 'COMPLETE',
      txid: null,
    };
    this.withdrawals.push(w);
    this.log(`withdrawal ${w.withdrawalRequestsId}: ${decimal(units)} ${coin} to ${address}`);
    if (directive?.outcome === 'lose-answer') {
      res.socket?.destroy();
      return;
    }
    const answer = () => send(res, 200, { withdrawalRequestsId: w.withdrawalRequestsId });
    if (directive?.outcome === 'delay') setTimeout(answer, directive.delayMs);
    else answer();
  }

  private activity(res: ServerResponse, query: URLSearchParams): void {
    const start = query.get('start');
    const end = query.get('end');
    if (!start || !end || !/^\d+$/.test(start) || !/^\d+$/.test(end)) return send(res, 400, { code: 602, message: 'Missing Required Parameters: start, end' });
    const type = query.get('activityType');
    const withdrawals =
      type && type !== 'withdrawals'
        ? []
        : this.list()
            .filter((w) => Math.floor(w.createdAt / 1000) >= Number(start) && Math.floor(w.createdAt / 1000) <= Number(end))
            .map((w) => ({
              withdrawalRequestsId: w.withdrawalRequestsId,
              currency: w.currency,
              address: w.address,
              amount: decimal(w.units),
              fee: '0.00000000',
              timestamp: Math.floor(w.createdAt / 1000),
              status: w.status,
              txid: w.txid,
              ipAddress: '127.0.0.1',
              paymentID: null,
            }));
    send(res, 200, { deposits: [], withdrawals });
  }

  private control(req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
    let input: Record<string, unknown> = {};
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return send(res, 400, { error: 'the body is not JSON' });
    }
    const method = req.method ?? 'GET';
    const settle = /^\/__emulator\/withdrawals\/(\d+)\/(complete|fail)$/.exec(path);
    try {
      if (method === 'POST' && path === '/__emulator/fund') {
        const balance = this.fund(String(input.currency ?? ''), String(input.amount ?? ''));
        return send(res, 200, { currency: String(input.currency).toUpperCase(), available: decimal(balance) });
      }
      if (method === 'POST' && path === '/__emulator/next-withdrawal') {
        const outcome = input.outcome;
        if (!['refuse', 'complete-error', 'await-approval', 'lose-answer', 'delay'].includes(String(outcome))) return send(res, 400, { error: 'outcome must be refuse, complete-error, await-approval, lose-answer or delay' });
        if (outcome === 'delay' && !(Number(input.delayMs) >= 0)) return send(res, 400, { error: 'delay needs delayMs' });
        this.next.push({ ...input, delayMs: Number(input.delayMs) } as NextWithdrawal);
        return send(res, 200, { queued: this.next.length });
      }
      if (method === 'POST' && path === '/__emulator/error-rules') {
        const rule = {
          ...(typeof input.address === 'string' ? { address: input.address.toLowerCase() } : {}),
          ...(input.amount !== undefined ? { units: parseUnits(String(input.amount), TOKEN_DECIMALS) } : {}),
        };
        if (!Object.keys(rule).length) return send(res, 400, { error: 'a rule needs an address or an amount' });
        this.errorRules.push(rule);
        return send(res, 200, { rules: this.errorRules.length });
      }
      if (method === 'DELETE' && path === '/__emulator/error-rules') {
        this.errorRules = [];
        return send(res, 200, { rules: 0 });
      }
      if (method === 'POST' && settle) {
        const done = this.settle(Number(settle[1]), settle[2] === 'complete' ? 'COMPLETE' : 'COMPLETE ERROR');
        return done ? send(res, 200, { ok: true }) : send(res, 409, { error: 'no such withdrawal, or it is final already' });
      }
      if (method === 'GET' && path === '/__emulator/withdrawals') {
        return send(res, 200, { withdrawals: this.list().map((w) => ({ ...w, amount: decimal(w.units), units: undefined })) });
      }
      if (method === 'GET' && path === '/__emulator/balances') return send(res, 200, { balances: this.balanceList() });
      if (method === 'POST' && path === '/__emulator/settings') {
        if (!(Number(input.completeAfterMs) >= 0)) return send(res, 400, { error: 'completeAfterMs must be a number of milliseconds' });
        this.completeAfterMs = Number(input.completeAfterMs);
        return send(res, 200, { completeAfterMs: this.completeAfterMs });
      }
      if (method === 'POST' && path === '/__emulator/reset') {
        this.reset();
        return send(res, 200, { ok: true });
      }
      send(res, 404, { error: `no control ${method} ${path}` });
    } catch (err) {
      send(res, 400, { error: (err as Error).message });
    }
  }

  readonly listener: RequestListener = (req, res) => {
    const [path = '', rawQuery = ''] = (req.url ?? '').split('?');
    void readBody(req)
      .then((body) => {
        if (path.startsWith('/__emulator/')) return this.control(req, res, path, body);
        if (!this.authorized(req, res, path, rawQuery, body)) return;
        const method = req.method ?? 'GET';
        if (method === 'POST' && path === '/v2/wallets/withdraw') return this.withdraw(res, body);
        if (method === 'GET' && path === '/wallets/activity') return this.activity(res, new URLSearchParams(rawQuery));
        if (method === 'GET' && path === '/accounts/balances') return send(res, 200, [{ accountId: '1', accountType: 'SPOT', balances: this.balanceList() }]);
        send(res, 404, { code: 404, message: 'Not Found' });
      })
      .catch(() => send(res, 500, { code: 500, message: 'Internal System Error' }));
  };
}

// Child-process entry point used by the local stack.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const port = Number(process.argv[2]);
  const { POLONIEX_API_KEY: apiKey, POLONIEX_API_SECRET: apiSecret, POLONIEX_CURRENCY: currency } = process.env;
  if (!apiKey || !apiSecret) {
    console.error('poloniex emulator: POLONIEX_API_KEY and POLONIEX_API_SECRET must be set');
    process.exit(1);
  }
  const emulator = new PoloniexEmulator({ apiKey, apiSecret, balances: currency ? { [currency]: '1000000' } : {}, log: (line) => console.log(line) });
  createServer(emulator.listener).listen(port, '127.0.0.1', () => console.log(`poloniex emulator on 127.0.0.1:${port}`));
}
