/**
 * Poloniex: withdrawals of the token from the platform's Poloniex account to an address, through Poloniex's
 * signed spot REST API (api.poloniex.com). The only module that talks to Poloniex; locally it talks to the
 * stack's emulator (scripts/stack/poloniex-emulator.ts).
 *
 * - Every private call is signed: headers `key`, `signTimestamp` (ms) and `signature`, the base64 HMAC-SHA256
 *   under the API secret of "METHOD\n/path\n" followed, for a GET, by its parameters with `signTimestamp`
 *   sorted by name (`k=v&...`, values URI-encoded) and, for a POST, by `requestBody=<the JSON body>&signTimestamp=<ts>`.
 * - `withdraw` is `POST /v2/wallets/withdraw` {coin, network, amount, address} -> {withdrawalRequestsId}.
 *   Poloniex takes no idempotency token: when its answer is lost (timeout, reset, 5xx) the outcome is unknown,
 *   and `findWithdrawal` asks the withdrawal history for a withdrawal to that address of that amount made
 *   since the attempt was recorded.
 * - A withdrawal's status comes from the history, `GET /wallets/activity` (start and end in seconds):
 *   PENDING, PROCESSING, AWAITING APPROVAL, COMPLETE, COMPLETE ERROR.
 *
 * Amounts are exact: the token has 18 decimals, Poloniex takes POLONIEX_AMOUNT_DECIMALS (8: what its
 * currency list gives Ethereum tokens), so an amount is sent as a decimal string only when it is a whole
 * number of 10^-8 tokens (`floorToDecimals` makes one) and amounts read back are parsed to the smallest unit.
 * The secret is never logged and never leaves this module except as a signature.
 */
import { createHmac } from 'node:crypto';
import { poloniexConfig } from '../config/index.js';
import { parseJson } from '../json.js';
import { exactDecimalText, formatUnits, parseUnits, TOKEN_DECIMALS } from '../ledger/money.js';
import { log } from '../log/index.js';

export interface PoloniexSettings {
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The token's currency (coin) name at Poloniex. */
  currency: string;
  /** The chain Poloniex withdraws it on (ETH). */
  network: string;
  /** Decimal places Poloniex takes in the token's amounts. */
  amountDecimals: number;
  timeoutMs: number;
  /** The clock that stamps requests (tests skew it). */
  now?: () => number;
}

/** Why a call failed. `answer` and `httpStatus` are Poloniex's own, kept for the transfer's service_response. */
export type PoloniexFailure =
  /** Poloniex refused our key or signature (wrong secret, revoked key): nothing was done. */
  | { code: 'signature_refused'; message: string; httpStatus: number; answer: unknown }
  /** Poloniex refused the request's timestamp (our clock is off, or the request arrived too late): nothing was done. */
  | { code: 'timestamp_refused'; message: string; httpStatus: number; answer: unknown }
  /** The platform's Poloniex account has too little of the currency: nothing was done. */
  | { code: 'insufficient_balance'; message: string; httpStatus: number; answer: unknown }
  /** Any other refusal (invalid address, currency disabled, ...): nothing was done. */
  | { code: 'refused'; message: string; httpStatus: number; answer: unknown }
  /** A withdrawal whose answer was lost (timeout, reset connection, server error): it may exist; ask `findWithdrawal`. */
  | { code: 'unknown_outcome'; message: string }
  /** A read that could not be made (timeout, server error, rate limit): nothing changed; try again later. */
  | { code: 'unavailable'; message: string };

export class PoloniexError extends Error {
  constructor(readonly failure: PoloniexFailure) {
    super(failure.message);
    this.name = 'PoloniexError';
  }
}

/** Where a withdrawal is: still moving, done on chain, or failed for good (its coins are back in the account). */
export type WithdrawalOutcome = 'pending' | 'complete' | 'failed';

export interface PoloniexWithdrawal {
  /** Poloniex's withdrawalRequestsId (the transfer's hash). */
  id: string;
  /** Poloniex's status as given: PENDING, AWAITING APPROVAL, COMPLETE, COMPLETE ERROR, ... */
  status: string;
  outcome: WithdrawalOutcome;
  currency: string;
  address: string;
  /** In the token's smallest unit (18 decimals). */
  amount: bigint;
  fee: bigint;
  /** The chain transaction, once Poloniex gives it. */
  txid: string | null;
  createdAt: Date;
  /** Poloniex's answer about this withdrawal as it came (`{ withdrawals: [entry] }`), for service_response. */
  answer: { withdrawals: [Record<string, unknown>] };
  httpStatus: number;
}

export interface Poloniex {
  /** Places a withdrawal of `amount` (smallest unit, a whole number of Poloniex's decimals) to `address`; its withdrawalRequestsId. */
  withdraw(input: { amount: bigint; address: string }): Promise<{ id: string }>;
  /** A withdrawal's state, or null when the history since `since` (default: 30 days ago) has no such withdrawal. */
  withdrawalStatus(id: string, options?: { since?: Date }): Promise<PoloniexWithdrawal | null>;
  /**
   * The earliest withdrawal of `currency` (default: ours) to `address` of exactly `amount` made at or after `since`
   * and not among `exclude` (ids already recorded elsewhere), or null: resolves a withdrawal whose answer was lost.
   */
  findWithdrawal(input: { address: string; amount: bigint; currency?: string; since: Date; exclude?: readonly string[] }): Promise<PoloniexWithdrawal | null>;
}

/** The settings of the `poloniex` configuration section. */
export function poloniexSettings(config = poloniexConfig()): PoloniexSettings {
  return {
    apiUrl: config.POLONIEX_API_URL,
    apiKey: config.POLONIEX_API_KEY,
    apiSecret: config.POLONIEX_API_SECRET,
    currency: config.POLONIEX_CURRENCY,
    network: config.POLONIEX_NETWORK,
    amountDecimals: Number(config.POLONIEX_AMOUNT_DECIMALS),
    timeoutMs: Number(config.POLONIEX_TIMEOUT_SECONDS) * 1000,
  };
}

let shared: Poloniex | undefined;
/** The platform's Poloniex account (one client per container). */
export const poloniex = (): Poloniex => (shared ??= poloniexClient(poloniexSettings()));

/** Tests: the Poloniex client to use (undefined: the configured one again). */
export function setPoloniex(client: Poloniex | undefined): void {
  shared = client;
}

/** Smallest units per step of Poloniex's precision (10^10 for 8 of 18 decimals). */
const stepOf = (amountDecimals: number) => 10n ** BigInt(TOKEN_DECIMALS - amountDecimals);

/** The amount as Poloniex takes it ("1.5" for 1.5 * 10^18 units); a RangeError unless positive and a whole number of its decimals. */
export function toPoloniexAmount(units: bigint, amountDecimals: number): string {
  if (units <= 0n) throw new RangeError('a withdrawal amount must be positive');
  if (units % stepOf(amountDecimals) !== 0n) throw new RangeError(`Poloniex takes at most ${amountDecimals} decimals: ${formatUnits(units, TOKEN_DECIMALS)} has more`);
  return formatUnits(units, TOKEN_DECIMALS);
}

/** The largest amount at most `units` an exchange taking `amountDecimals` decimals can take (the rest stays with the caller). */
export const floorToDecimals = (units: bigint, amountDecimals: number): bigint => units - (units % stepOf(amountDecimals));

/** A Poloniex amount ("13.19951600", or a JSON number) in the token's smallest unit, exactly. */
export function fromPoloniexAmount(value: unknown): bigint {
  const text = exactDecimalText(String(value ?? ''));
  if (text === undefined || text.startsWith('-')) throw new Error(`Poloniex gave an amount that is not a decimal: ${String(value)}`);
  return parseUnits(text, TOKEN_DECIMALS);
}

/** Poloniex's withdrawal status as an outcome; an unknown status counts as still moving. */
export function outcomeOf(status: string): WithdrawalOutcome {
  const s = status.trim().toUpperCase().replace(/_/g, ' ');
  if (s.startsWith('COMPLETE ERROR')) return 'failed';
  if (s === 'COMPLETE' || s === 'COMPLETED' || s.startsWith('COMPLETE:')) return 'complete';
  return 'pending';
}

/** The string Poloniex signs: method, path and the sorted parameters (GET) or the body (POST), with the timestamp. */
export function stringToSign(method: string, path: string, timestamp: string, params: { query?: Record<string, string>; body?: string }): string {
  const upper = method.toUpperCase();
  if (upper === 'GET') {
    const pairs = Object.entries({ ...params.query, signTimestamp: timestamp })
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .sort();
    return `${upper}\n${path}\n${pairs.join('&')}`;
  }
  return `${upper}\n${path}\n${params.body ? `requestBody=${params.body}&` : ''}signTimestamp=${timestamp}`;
}

export const signature = (secret: string, payload: string) => createHmac('sha256', secret).update(payload, 'utf8').digest('base64');

const DAY_MS = 86_400_000;
/** Poloniex's error numbers for too little balance (21709 "Low available balance"). */
const BALANCE_CODES = new Set(['21709', '21721', '250005']);

interface Answer {
  status: number;
  body: unknown;
}

export function poloniexClient(settings: PoloniexSettings): Poloniex {
  const now = settings.now ?? Date.now;
  const base = settings.apiUrl.replace(/\/+$/, '');

  /** One signed call. Throws PoloniexError: `lost` names the failure of an answer that never came. */
  async function call(method: 'GET' | 'POST', path: string, params: { query?: Record<string, string>; body?: string }, lost: 'unknown_outcome' | 'unavailable'): Promise<Answer> {
    const timestamp = String(now());
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      key: settings.apiKey,
      signTimestamp: timestamp,
      signature: signature(settings.apiSecret, stringToSign(method, path, timestamp, params)),
    };
    const query = params.query ? `?${Object.entries(params.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${base}${path}${query}`, { method, headers, body: params.body, signal: AbortSignal.timeout(settings.timeoutMs), redirect: 'error' });
      text = await response.text();
    } catch (err) {
      log.warn('poloniex call got no answer', { method, path, error: (err as Error).name });
      throw new PoloniexError({ code: lost, message: `Poloniex did not answer ${method} ${path}` });
    }
    let body: unknown = text;
    try {
      body = text ? parseJson(text) : null;
    } catch {
      // Not JSON (a gateway's page): kept as text.
    }
    if (response.ok) return { status: response.status, body };
    throw new PoloniexError(failureOf(method, path, response.status, body, lost));
  }

  function failureOf(method: string, path: string, status: number, answer: unknown, lost: 'unknown_outcome' | 'unavailable'): PoloniexFailure {
    const { code, message } = (answer && typeof answer === 'object' ? answer : {}) as { code?: unknown; message?: unknown };
    const said = typeof message === 'string' ? message : '';
    // Poloniex's error number is logged as `poloniexError`: a field named `code` would be redacted.
    const fields = { method, path, status, poloniexError: code === undefined ? undefined : String(code), said };
    if (status >= 500 || status === 429) {
      log.warn('poloniex unavailable', fields);
      return { code: lost, message: `Poloniex answered ${status} to ${method} ${path}` };
    }
    if (status === 401 || String(code) === 'FORBIDDEN') {
      log.error('poloniex refused our key or signature', fields);
      return { code: 'signature_refused', message: 'Poloniex refused the API key or signature', httpStatus: status, answer };
    }
    if (status === 408 || /timestamp|recvwindow/i.test(said)) {
      log.error('poloniex refused the request timestamp', fields);
      return { code: 'timestamp_refused', message: 'Poloniex refused the request timestamp (clock skew or a late request)', httpStatus: status, answer };
    }
    if (BALANCE_CODES.has(String(code))) {
      log.warn('poloniex balance too low', fields);
      return { code: 'insufficient_balance', message: 'The Poloniex account has too little to withdraw this amount', httpStatus: status, answer };
    }
    log.warn('poloniex refused', fields);
    return { code: 'refused', message: said ? `Poloniex refused: ${said}` : `Poloniex refused with ${status}`, httpStatus: status, answer };
  }

  function withdrawalOf(entry: Record<string, unknown>, httpStatus: number): PoloniexWithdrawal {
    const status = String(entry.status ?? '');
    const txid = typeof entry.txid === 'string' && entry.txid ? entry.txid : null;
    return {
      id: String(entry.withdrawalRequestsId),
      status,
      outcome: outcomeOf(status),
      currency: String(entry.currency ?? ''),
      address: String(entry.address ?? ''),
      amount: fromPoloniexAmount(entry.amount),
      fee: entry.fee === undefined || entry.fee === null ? 0n : fromPoloniexAmount(entry.fee),
      txid,
      createdAt: new Date(Number(String(entry.timestamp ?? 0)) * 1000),
      answer: { withdrawals: [entry] },
      httpStatus,
    };
  }

  /** Every withdrawal in the history from `since` to now. */
  async function history(since: Date): Promise<PoloniexWithdrawal[]> {
    // A minute past our clock: a withdrawal Poloniex stamped a little ahead of it is still in.
    const end = Math.ceil(now() / 1000) + 60;
    const query = { start: String(Math.floor(since.getTime() / 1000)), end: String(end), activityType: 'withdrawals' };
    const { status, body } = await call('GET', '/wallets/activity', { query }, 'unavailable');
    const list = (body as { withdrawals?: unknown } | null)?.withdrawals;
    if (!Array.isArray(list)) throw new PoloniexError({ code: 'unavailable', message: 'Poloniex answered its withdrawal history without a withdrawals list' });
    return list.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object' && (e as Record<string, unknown>).withdrawalRequestsId !== undefined).map((e) => withdrawalOf(e, status));
  }

  return {
    async withdraw({ amount, address }) {
      const body = JSON.stringify({ coin: settings.currency, network: settings.network, amount: toPoloniexAmount(amount, settings.amountDecimals), address });
      const answer = await call('POST', '/v2/wallets/withdraw', { body }, 'unknown_outcome');
      const id = (answer.body as { withdrawalRequestsId?: unknown } | null)?.withdrawalRequestsId;
      if (id === undefined || id === null || !/^\d+$/.test(String(id))) {
        log.error('poloniex withdrawal answer without an id', { status: answer.status });
        throw new PoloniexError({ code: 'unknown_outcome', message: 'Poloniex answered the withdrawal without a withdrawalRequestsId' });
      }
      return { id: String(id) };
    },

    async withdrawalStatus(id, options = {}) {
      const since = options.since ?? new Date(now() - 30 * DAY_MS);
      return (await history(since)).find((w) => w.id === id) ?? null;
    },

    async findWithdrawal({ address, amount, currency = settings.currency, since, exclude = [] }) {
      // The history from `since` on (to the second: a withdrawal in the second the attempt was recorded counts).
      const matches = (await history(since)).filter(
        (w) =>
          !exclude.includes(w.id) &&
          w.address.toLowerCase() === address.toLowerCase() &&
          w.currency.toUpperCase() === currency.toUpperCase() &&
          w.amount === amount,
      );
      return matches.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.length - b.id.length || a.id.localeCompare(b.id))[0] ?? null;
    },
  };
}
