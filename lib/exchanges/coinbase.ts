/**
 * Coinbase: users connect their Coinbase account with OAuth 2 (authorization code with `state`), and the
 * platform sends coins from its own Coinbase wallet to them with the v2 API. The only module that talks to
 * Coinbase; locally it talks to the stack's emulator (scripts/stack/coinbase-emulator.ts).
 *
 * - OAuth: the user is sent to `authorizeUrl` (scopes wallet:user:read and wallet:user:email), comes back with
 *   a code, and `tokensForCode` trades it at the token endpoint (client id and secret in the form). Access
 *   tokens expire (Coinbase: 2 hours); `refreshTokens` trades the refresh token for a new pair, and the old
 *   refresh token is spent (store the new one before anything else). `userOf` reads `GET /v2/user`.
 * - The platform's calls are signed with its API key, as Coinbase's v2 API takes keys: CB-ACCESS-KEY,
 *   CB-ACCESS-SIGN (hex HMAC-SHA256 under the API secret of timestamp + method + path with query + body),
 *   CB-ACCESS-TIMESTAMP (Unix seconds; Coinbase refuses one more than 30 s off) and CB-VERSION.
 * - `send` is `POST /v2/accounts/:id/transactions` {type: "send", to, amount, currency, idem} from the platform's
 *   wallet of the currency. `idem` is ours, unique per withdrawal: Coinbase answers a repeat with the first
 *   transaction. When the answer is lost (timeout, reset, 5xx) the outcome is unknown, and `transactionByIdem`
 *   finds the transaction in the wallet's list (Coinbase has no look-up by idem), or says it was never made.
 *
 * Failures come out as a small typed set (CoinbaseError), never as Coinbase's own error; what Coinbase
 * answered is kept on a refusal for the record. Tokens and secrets are never logged.
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import { coinbaseConfig } from '../config/index.js';
import { log } from '../log/index.js';

/** What the platform asks users for: their profile and their email (the address sends go to). */
export const COINBASE_SCOPES = ['wallet:user:read', 'wallet:user:email'] as const;
/** The API version our calls are written against (Coinbase's CB-VERSION header). */
export const COINBASE_API_VERSION = '2024-01-01';
/** Decimals Coinbase takes in a crypto currency's amounts (the token's sends are rounded down to them). */
export const COINBASE_CRYPTO_DECIMALS = 8;

export interface CoinbaseSettings {
  /** Base URL of the v2 API, no trailing slash. */
  apiUrl: string;
  /** The page users are sent to for consent. */
  authorizeUrl: string;
  /** The OAuth token endpoint; its revoke endpoint is the same URL ending in /revoke. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  apiKey: string;
  apiSecret: string;
  /** The currency of the platform's wallet sends come from. */
  currency: string;
  timeoutMs: number;
  /** The clock that stamps signed requests and token expiries (tests skew it). */
  now?: () => number;
}

export function coinbaseSettings(config = coinbaseConfig()): CoinbaseSettings {
  const apiUrl = config.COINBASE_API_URL.replace(/\/+$/, '');
  return {
    apiUrl,
    authorizeUrl: config.COINBASE_AUTHORIZE_URL,
    tokenUrl: config.COINBASE_TOKEN_URL ?? `${apiUrl}/oauth/token`,
    clientId: config.COINBASE_CLIENT_ID,
    clientSecret: config.COINBASE_CLIENT_SECRET,
    apiKey: config.COINBASE_API_KEY,
    apiSecret: config.COINBASE_API_SECRET,
    currency: config.COINBASE_ACCOUNT_CURRENCY,
    timeoutMs: Number(config.COINBASE_TIMEOUT_SECONDS) * 1000,
  };
}

/** One error of Coinbase's answer (`{"errors":[{"id","message"}]}`, or an OAuth `{"error","error_description"}`). */
export interface CoinbaseErrorItem {
  id: string;
  message: string;
}

/** Why a call failed. Messages are ours; `reason` is Coinbase's error id. */
export type CoinbaseFailure =
  /** The authorization code was refused (wrong, used, expired, another redirect URI) or our client credentials were. */
  | { code: 'no_tokens_by_code'; reason: string; message: string }
  /** The refresh token was refused (spent by an earlier refresh, revoked, expired): the user must connect again. */
  | { code: 'no_tokens_by_refresh_token'; reason: string; message: string }
  /** The access token was refused; `expired` (reason `expired_token`): refresh the tokens and ask again. */
  | { code: 'no_user_by_access_token'; reason: string; expired: boolean; message: string }
  /** Coinbase refused the send (insufficient funds, bad recipient, our signature): nothing was sent. `retryable` for a rate limit. */
  | { code: 'send_refused'; httpStatus: number; errors: CoinbaseErrorItem[]; retryable: boolean; answer: unknown; message: string }
  /** A send whose answer was lost (timeout, reset connection, server error): it may have been made; ask `transactionByIdem`. */
  | { code: 'outcome_unknown'; message: string }
  /** Coinbase could not be asked (timeout, server error, rate limit, an answer we cannot read): nothing changed; try again later. */
  | { code: 'unavailable'; message: string };

export class CoinbaseError extends Error {
  constructor(readonly failure: CoinbaseFailure) {
    super(failure.message);
    this.name = 'CoinbaseError';
  }
}

export interface CoinbaseTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (from Coinbase's expires_in). */
  expiresAt: Date;
  /** The scopes granted, as Coinbase lists them. */
  scope: string;
}

/** A Coinbase user as `GET /v2/user` gives it (the contract's connected account). `email` needs the wallet:user:email scope. */
export interface CoinbaseUser {
  id: string;
  name: string | null;
  username: string | null;
  profile_location: string | null;
  profile_bio: string | null;
  profile_url: string | null;
  avatar_url: string | null;
  resource: 'user';
  resource_path: string;
  email: string | null;
}

/** Where a transaction is: still moving, done, or failed for good (Coinbase's failed, expired, canceled). */
export type TransactionOutcome = 'pending' | 'completed' | 'failed';

export interface CoinbaseTransaction {
  id: string;
  /** Coinbase's status as given: pending, completed, failed, expired, canceled, waiting_for_clearing, ... */
  status: string;
  outcome: TransactionOutcome;
  /** What left the platform's wallet, as Coinbase's decimal text without sign ("1.500000"). */
  amount: string;
  currency: string;
  idem: string | null;
  /** The recipient as Coinbase names it. */
  to: { id: string | null; email: string | null; address: string | null } | null;
  createdAt: Date;
  /** Coinbase's transaction as answered, for the record. */
  answer: unknown;
}

export interface SendRequest {
  /** The recipient's Coinbase email or user id. */
  to: string;
  /** Decimal text in the currency ("12.5"), at most the currency's decimals. */
  amount: string;
  /** The wallet's currency; the configured one when left out. */
  currency?: string;
  /** Ours, unique per withdrawal, at most 100 characters: a repeat answers the first transaction. */
  idem: string;
  description?: string;
}

export interface CoinbaseExchange {
  /** The consent page's URL for a user; `state` (at least 8 characters) comes back with the code. */
  authorizeUrl(input: { state: string; redirectUri: string }): string;
  tokensForCode(code: string, redirectUri: string): Promise<CoinbaseTokens>;
  refreshTokens(refreshToken: string): Promise<CoinbaseTokens>;
  /** Revokes the grant of an access or refresh token (disconnecting); an unknown token is no error. */
  revokeToken(token: string): Promise<void>;
  userOf(accessToken: string): Promise<CoinbaseUser>;
  send(request: SendRequest): Promise<CoinbaseTransaction>;
  /**
   * The platform's transaction made with `idem`, or undefined when there is none (it was never made). Reads the
   * wallet's transactions newest first; `since` (when the send was first attempted) stops the search at older ones.
   */
  transactionByIdem(idem: string, options?: { currency?: string; since?: Date }): Promise<CoinbaseTransaction | undefined>;
  /** One transaction of the platform's wallet, or undefined when Coinbase has none by that id. */
  transaction(id: string, currency?: string): Promise<CoinbaseTransaction | undefined>;
}

// --- Coinbase's answers ------------------------------------------------------------------------------

const nullableText = z.optional(z.nullable(z.string()));
const tokenAnswer = z.object({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.string().check(z.minLength(1)),
  expires_in: z.number(),
  scope: z.optional(z.string()),
});
const userAnswer = z.object({
  data: z.object({
    id: z.string().check(z.minLength(1)),
    name: nullableText,
    username: nullableText,
    profile_location: nullableText,
    profile_bio: nullableText,
    profile_url: nullableText,
    avatar_url: nullableText,
    resource_path: z.optional(z.string()),
    email: nullableText,
  }),
});
const moneyAnswer = z.object({ amount: z.string(), currency: z.string() });
const transactionData = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  amount: moneyAnswer,
  idem: nullableText,
  created_at: z.string(),
  to: z.optional(z.nullable(z.object({ id: nullableText, email: nullableText, address: nullableText }))),
});
const pagination = z.optional(z.nullable(z.object({ next_uri: nullableText })));
const transactionAnswer = z.object({ data: transactionData });
const transactionsAnswer = z.object({ data: z.array(z.unknown()), pagination });
const accountsAnswer = z.object({
  data: z.array(z.object({ id: z.string(), currency: z.union([z.string(), z.object({ code: z.string() })]) })),
  pagination,
});

const FAILED_STATUSES = new Set(['failed', 'expired', 'canceled']);

function transactionOf(data: unknown): CoinbaseTransaction | undefined {
  const parsed = transactionData.safeParse(data);
  if (!parsed.success) return undefined;
  const t = parsed.data;
  const createdAt = new Date(t.created_at);
  return {
    id: t.id,
    status: t.status,
    outcome: t.status === 'completed' ? 'completed' : FAILED_STATUSES.has(t.status) ? 'failed' : 'pending',
    amount: t.amount.amount.replace(/^-/, ''),
    currency: t.amount.currency,
    idem: t.idem ?? null,
    to: t.to ? { id: t.to.id ?? null, email: t.to.email ?? null, address: t.to.address ?? null } : null,
    createdAt,
    answer: data,
  };
}

/** Coinbase's errors from either of its shapes. */
function errorsOf(body: unknown): CoinbaseErrorItem[] {
  const b = body as { errors?: unknown; error?: unknown; error_description?: unknown } | null;
  if (Array.isArray(b?.errors)) {
    return b.errors.map((e: { id?: unknown; message?: unknown }) => ({ id: String(e?.id ?? 'unknown'), message: String(e?.message ?? '') }));
  }
  if (typeof b?.error === 'string') return [{ id: b.error, message: typeof b.error_description === 'string' ? b.error_description : b.error }];
  return [];
}

/** The hex CB-ACCESS-SIGN of a request. */
export const coinbaseSignature = (apiSecret: string, timestamp: string, method: string, requestPath: string, body: string) =>
  createHmac('sha256', apiSecret).update(`${timestamp}${method}${requestPath}${body}`).digest('hex');

/** A request that got no HTTP answer (refused connection, reset, timeout). */
class NoAnswer extends Error {}

interface Answer {
  status: number;
  /** The parsed JSON body; undefined when it is not JSON. */
  body: unknown;
}

const DECIMAL = /^\d{1,20}(\.\d{1,18})?$/;

export function coinbaseClient(settings: CoinbaseSettings, fetchImpl: typeof fetch = fetch): CoinbaseExchange {
  const now = settings.now ?? Date.now;
  const accountIds = new Map<string, string>();

  async function call(method: 'GET' | 'POST', url: string, init: { headers: Record<string, string>; body?: string }): Promise<Answer> {
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(url, { method, headers: { accept: 'application/json', ...init.headers }, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(settings.timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw new NoAnswer((err as Error).name === 'TimeoutError' ? 'timed out' : 'no answer');
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }

  /** A call of the platform's own, signed with its API key. `pathWithQuery` is what is signed. */
  function signed(method: 'GET' | 'POST', pathWithQuery: string, payload?: object): Promise<Answer> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = String(Math.floor(now() / 1000));
    return call(method, `${settings.apiUrl}${pathWithQuery}`, {
      headers: {
        'CB-ACCESS-KEY': settings.apiKey,
        'CB-ACCESS-SIGN': coinbaseSignature(settings.apiSecret, timestamp, method, pathWithQuery, body),
        'CB-ACCESS-TIMESTAMP': timestamp,
        'CB-VERSION': COINBASE_API_VERSION,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: payload === undefined ? undefined : body,
    });
  }

  const unavailable = (message: string) => new CoinbaseError({ code: 'unavailable', message });

  /** The failure of a send refused with this answer: nothing was sent. */
  function sendRefused(answer: Answer): CoinbaseError {
    const errors = errorsOf(answer.body);
    if (answer.status === 401) log.error('coinbase refused the platform API key', { reason: errors[0]?.id });
    return new CoinbaseError({
      code: 'send_refused',
      httpStatus: answer.status,
      errors,
      retryable: answer.status === 429,
      answer: answer.body ?? null,
      message: `Coinbase refused the send: ${errors.map((e) => `${e.id}: ${e.message}`).join('; ') || `HTTP ${answer.status}`}`,
    });
  }

  /**
   * A read of the platform's: its answer when 2xx (404 undefined when allowed). A 4xx is `refused`'s failure
   * when given (a send whose wallet could not be read was refused), else unavailable.
   */
  async function read(pathWithQuery: string, what: string, options: { allowNotFound?: boolean; refused?: (answer: Answer) => CoinbaseError } = {}): Promise<unknown> {
    let answer: Answer;
    try {
      answer = await signed('GET', pathWithQuery);
    } catch (err) {
      if (err instanceof NoAnswer) throw unavailable(`Coinbase did not answer (${err.message}) reading ${what}.`);
      throw err;
    }
    if (options.allowNotFound && answer.status === 404) return undefined;
    if (options.refused && answer.status >= 400 && answer.status <= 499) throw options.refused(answer);
    if (answer.status < 200 || answer.status > 299) {
      const reason = errorsOf(answer.body)[0]?.id ?? `http_${answer.status}`;
      if (answer.status === 401) log.error('coinbase refused the platform API key', { reason, what });
      throw unavailable(`Coinbase refused reading ${what} (${reason}).`);
    }
    return answer.body;
  }

  /** The id of the platform's wallet of a currency (looked up once per container). */
  async function accountId(currency: string, refused?: (answer: Answer) => CoinbaseError): Promise<string> {
    const known = accountIds.get(currency);
    if (known) return known;
    let path: string | null | undefined = '/v2/accounts?limit=100';
    for (let page = 0; path && page < 20; page += 1) {
      const parsed = accountsAnswer.safeParse(await read(path, 'the platform accounts', { refused }));
      if (!parsed.success) throw unavailable('Coinbase answered the platform accounts in a form we cannot read.');
      const found = parsed.data.data.find((a) => (typeof a.currency === 'string' ? a.currency : a.currency.code).toUpperCase() === currency);
      if (found) {
        accountIds.set(currency, found.id);
        return found.id;
      }
      path = parsed.data.pagination?.next_uri;
    }
    log.error('the platform has no coinbase wallet of its currency', { currency });
    throw unavailable(`The platform's Coinbase account has no ${currency} wallet.`);
  }

  async function tokens(params: Record<string, string>, failure: 'no_tokens_by_code' | 'no_tokens_by_refresh_token'): Promise<CoinbaseTokens> {
    const started = now();
    let answer: Answer;
    try {
      answer = await call('POST', settings.tokenUrl, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...params, client_id: settings.clientId, client_secret: settings.clientSecret }).toString(),
      });
    } catch (err) {
      if (err instanceof NoAnswer) throw unavailable(`Coinbase did not answer (${err.message}) for tokens.`);
      throw err;
    }
    if (answer.status >= 500 || answer.status === 429) throw unavailable(`Coinbase could not give tokens now (HTTP ${answer.status}).`);
    const parsed = tokenAnswer.safeParse(answer.body);
    if (answer.status === 200 && parsed.success) {
      const t = parsed.data;
      return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(started + t.expires_in * 1000), scope: t.scope ?? '' };
    }
    if (answer.status === 200) throw unavailable('Coinbase answered tokens in a form we cannot read.');
    const reason = errorsOf(answer.body)[0]?.id ?? `http_${answer.status}`;
    if (reason === 'invalid_client') log.error('coinbase refused the platform OAuth client', { reason });
    throw new CoinbaseError(
      failure === 'no_tokens_by_code'
        ? { code: failure, reason, message: "Can't get tokens by code." }
        : { code: failure, reason, message: "Can't get tokens by refresh token." },
    );
  }

  return {
    authorizeUrl({ state, redirectUri }) {
      if (state.length < 8) throw new Error('the OAuth state must be at least 8 characters');
      const url = new URL(settings.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      url.searchParams.set('scope', COINBASE_SCOPES.join(','));
      return url.toString();
    },

    tokensForCode: (code, redirectUri) => tokens({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, 'no_tokens_by_code'),

    refreshTokens: (refreshToken) => tokens({ grant_type: 'refresh_token', refresh_token: refreshToken }, 'no_tokens_by_refresh_token'),

    async revokeToken(token) {
      let answer: Answer;
      try {
        answer = await call('POST', settings.tokenUrl.replace(/token$/, 'revoke'), {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, client_id: settings.clientId, client_secret: settings.clientSecret }).toString(),
        });
      } catch (err) {
        if (err instanceof NoAnswer) throw unavailable(`Coinbase did not answer (${err.message}) revoking a token.`);
        throw err;
      }
      if (answer.status !== 200) throw unavailable(`Coinbase refused revoking a token (${errorsOf(answer.body)[0]?.id ?? `http_${answer.status}`}).`);
    },

    async userOf(accessToken) {
      let answer: Answer;
      try {
        answer = await call('GET', `${settings.apiUrl}/v2/user`, { headers: { authorization: `Bearer ${accessToken}`, 'CB-VERSION': COINBASE_API_VERSION } });
      } catch (err) {
        if (err instanceof NoAnswer) throw unavailable(`Coinbase did not answer (${err.message}) reading the user.`);
        throw err;
      }
      if (answer.status >= 500 || answer.status === 429) throw unavailable(`Coinbase could not read the user now (HTTP ${answer.status}).`);
      if (answer.status !== 200) {
        const reason = errorsOf(answer.body)[0]?.id ?? `http_${answer.status}`;
        throw new CoinbaseError({ code: 'no_user_by_access_token', reason, expired: reason === 'expired_token', message: "Can't read user profile by access token." });
      }
      const parsed = userAnswer.safeParse(answer.body);
      if (!parsed.success) throw unavailable('Coinbase answered the user in a form we cannot read.');
      const u = parsed.data.data;
      return {
        id: u.id,
        name: u.name ?? null,
        username: u.username ?? null,
        profile_location: u.profile_location ?? null,
        profile_bio: u.profile_bio ?? null,
        profile_url: u.profile_url ?? null,
        avatar_url: u.avatar_url ?? null,
        resource: 'user',
        resource_path: `/v2/users/${u.id}`,
        email: u.email ?? null,
      };
    },

    async send({ to, amount, currency = settings.currency, idem, description }) {
      if (!DECIMAL.test(amount) || /^[0.]+$/.test(amount)) throw new Error(`a Coinbase amount must be positive decimal text, not ${JSON.stringify(amount)}`);
      if (idem.length === 0 || idem.length > 100) throw new Error('a Coinbase idem must be 1 to 100 characters');
      const account = await accountId(currency.toUpperCase(), sendRefused);
      let answer: Answer;
      try {
        answer = await signed('POST', `/v2/accounts/${encodeURIComponent(account)}/transactions`, { type: 'send', to, amount, currency: currency.toUpperCase(), idem, ...(description ? { description } : {}) });
      } catch (err) {
        if (err instanceof NoAnswer) throw new CoinbaseError({ code: 'outcome_unknown', message: `Coinbase did not answer the send (${err.message}); ask for it by its idem.` });
        throw err;
      }
      if (answer.status >= 200 && answer.status <= 299) {
        const tx = transactionOf((answer.body as { data?: unknown } | undefined)?.data);
        if (tx) return tx;
        throw new CoinbaseError({ code: 'outcome_unknown', message: 'Coinbase answered the send in a form we cannot read; ask for it by its idem.' });
      }
      if (answer.status >= 400 && answer.status <= 499) throw sendRefused(answer);
      throw new CoinbaseError({ code: 'outcome_unknown', message: `Coinbase failed answering the send (HTTP ${answer.status}); ask for it by its idem.` });
    },

    async transactionByIdem(idem, options = {}) {
      const account = await accountId((options.currency ?? settings.currency).toUpperCase());
      // A minute of clock difference between us and Coinbase is allowed for.
      const oldest = options.since ? options.since.getTime() - 60_000 : undefined;
      let path: string | null | undefined = `/v2/accounts/${encodeURIComponent(account)}/transactions?limit=100`;
      for (let page = 0; path; page += 1) {
        if (page === 50) throw unavailable(`No Coinbase transaction with this idem among the newest 5000; give the time of the send to search.`);
        const parsed = transactionsAnswer.safeParse(await read(path, 'the platform transactions'));
        if (!parsed.success) throw unavailable('Coinbase answered the transactions in a form we cannot read.');
        for (const item of parsed.data.data) {
          const tx = transactionOf(item);
          if (!tx) continue;
          if (tx.idem === idem) return tx;
          if (oldest !== undefined && tx.createdAt.getTime() < oldest) return undefined;
        }
        path = parsed.data.pagination?.next_uri;
      }
      return undefined;
    },

    async transaction(id, currency = settings.currency) {
      const account = await accountId(currency.toUpperCase());
      const body = await read(`/v2/accounts/${encodeURIComponent(account)}/transactions/${encodeURIComponent(id)}`, 'a platform transaction', { allowNotFound: true });
      if (body === undefined) return undefined;
      const parsed = transactionAnswer.safeParse(body);
      const tx = parsed.success ? transactionOf(parsed.data.data) : undefined;
      if (!tx) throw unavailable('Coinbase answered the transaction in a form we cannot read.');
      return tx;
    },
  };
}

let shared: CoinbaseExchange | undefined;
/** The platform's Coinbase (one client per container, from the coinbase configuration). */
export const coinbase = (): CoinbaseExchange => (shared ??= coinbaseClient(coinbaseSettings()));

/** Tests put a client of their own in place; undefined restores the default. */
export function setCoinbase(exchange: CoinbaseExchange | undefined): void {
  shared = exchange;
}
