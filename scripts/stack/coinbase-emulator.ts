/**
 * The local Coinbase: the parts of Coinbase's OAuth 2 server and v2 API the platform uses, in memory only
 * (nothing outlives the process). Run as a child of the local stack: `coinbase-emulator.ts <port>`, configured
 * by the same variables as the platform's adapter (COINBASE_CLIENT_ID, COINBASE_CLIENT_SECRET, COINBASE_API_KEY,
 * COINBASE_API_SECRET, COINBASE_ACCOUNT_CURRENCY) and COINBASE_ACCESS_TOKEN_SECONDS (7200).
 *
 * Coinbase's endpoints (answers and errors in Coinbase's shapes):
 *   GET  /oauth/authorize     consent page for a local user (three to pick, or any email typed);
 *                             approving redirects to `redirect_uri?code=...&state=...` (its form posts to
 *                             POST /oauth/authorize, which is the emulator's, not Coinbase's)
 *   POST /oauth/token         grant_type authorization_code (code single use, 10 minutes, same redirect_uri)
 *                             or refresh_token (rotating: the old refresh token and access token are spent);
 *                             client_id + client_secret in the body or HTTP Basic; OAuth errors
 *                             `{"error":"invalid_grant","error_description":...}`
 *   POST /oauth/revoke        `token` (access or refresh): the grant is revoked
 *   GET  /v2/user             Bearer access token (scope wallet:user:read; `email` with wallet:user:email)
 *   GET  /v2/accounts[/:id]   the caller's wallets
 *   POST /v2/accounts/:id/transactions          type `send` to an email or user id; `idem` answers a repeat
 *                                               with the first transaction
 *   GET  /v2/accounts/:id/transactions[/:tx]    newest first; `limit` (1-100) and `starting_after` pages
 *   Callers: `Authorization: Bearer <access token>` (a user), or the platform's API key: CB-ACCESS-KEY,
 *   CB-ACCESS-SIGN (hex HMAC-SHA256 of timestamp + method + path with query + body under the API secret),
 *   CB-ACCESS-TIMESTAMP (Unix seconds, within 30 s), CB-VERSION. A bad key, signature or timestamp is a 401
 *   `authentication_error`; an expired, revoked or unknown access token a 401 `expired_token`,
 *   `revoked_token`, `invalid_token`; API errors are `{"errors":[{"id":...,"message":...}]}`.
 *   Sends with an access token need two-factor confirmation at Coinbase: here they are always a 402.
 *   A send completes at once and credits the recipient's wallet of that currency (made if missing); an
 *   email nobody uses becomes a new user, as Coinbase invites them.
 *
 * Test controls (not Coinbase's; JSON in and out):
 *   GET  /__emulator/users                                   every user (id, email, name)
 *   POST /__emulator/users/expire-tokens         {"email"}   the user's access tokens expire now
 *   POST /__emulator/users/revoke-refresh-tokens {"email"}   the user's refresh tokens are refused from now on
 *   POST /__emulator/next-send  {"status","id","message"}    the next send is refused with that error (nothing sent)
 *                               {"lose":"request"}           the next send's connection is cut before anything is done
 *                               {"lose":"answer"}            the next send is made, then its connection cut
 *                               {"hang":true}                the next send is made and never answered
 *   GET  /__emulator/balance?owner=platform|<email>&currency=USDC    {"amount"} (a missing wallet is "0")
 *   POST /__emulator/balance  {"owner","currency","add"|"set"}       fund (add) or set a wallet's balance
 *   GET  /__emulator/sends                                   the platform's sends, oldest first
 *
 * Tokens, codes and secrets are never logged.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { readBody } from './emulator-http.js';
import { escapeHtml } from '../../lib/html.js';

export interface CoinbaseEmulatorOptions {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  apiSecret: string;
  /** Currencies the platform holds a wallet of, each funded with `platformBalance`. */
  platformCurrencies: string[];
  platformBalance: string;
  accessTokenSeconds: number;
  /** Redirect URIs registered for the client; empty: any http(s) URI. */
  redirectUris: string[];
  /** Clock in milliseconds (tests move it). */
  now: () => number;
}

/** Local users on the consent page (any other email typed there becomes one too). */
const LOCAL_USERS = [
  { email: 'alice@example.com', name: 'Alice Example' },
  { email: 'bob@example.com', name: 'Bob Example' },
  { email: 'carol@example.com', name: 'Carol Example' },
];

const CURRENCY_NAMES: Record<string, string> = { BTC: 'Bitcoin', ETH: 'Ethereum', USDC: 'USD Coin', USDT: 'Tether', USD: 'US Dollar', EUR: 'Euro', GBP: 'British Pound', AUD: 'Australian Dollar' };
const FIAT = new Set(['USD', 'EUR', 'GBP', 'AUD', 'CAD', 'SGD']);
/** Decimals an amount of the currency may have. */
const exponentOf = (currency: string) => (FIAT.has(currency) ? 2 : currency === 'USDC' || currency === 'USDT' ? 6 : 8);

const CODE_TTL_MS = 10 * 60_000;
const SIGNATURE_WINDOW_S = 30;
const PAGE_LIMIT_DEFAULT = 25;
const BODY_LIMIT = 64 * 1024;

interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}
interface Wallet {
  id: string;
  owner: string;
  currency: string;
  /** In units of 10^-exponent of the currency. */
  balance: bigint;
  primary: boolean;
  createdAt: string;
}
interface Grant {
  userId: string;
  scope: string[];
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  /** The whole grant (access and refresh token): revoked, or spent by a refresh. */
  revoked: boolean;
  refreshRevoked: boolean;
}
interface Code {
  userId: string;
  redirectUri: string;
  scope: string[];
  expiresAt: number;
  used: boolean;
}
interface Party {
  id: string;
  email: string;
}
interface Transaction {
  id: string;
  walletId: string;
  /** Signed units: negative for the sender's side. */
  amount: bigint;
  currency: string;
  status: 'completed';
  idem: string | null;
  description: string | null;
  to?: Party;
  from?: Party;
  createdAt: string;
}
type NextSend = { kind: 'error'; status: number; id: string; message: string } | { kind: 'lose'; when: 'request' | 'answer' } | { kind: 'hang' };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const units = (amount: string, currency: string): bigint | undefined => {
  const m = /^(\d{1,20})(?:\.(\d+))?$/.exec(amount);
  if (!m) return undefined;
  const decimals = m[2] ?? '';
  const exponent = exponentOf(currency);
  if (decimals.length > exponent) return undefined;
  return BigInt(m[1]! + decimals.padEnd(exponent, '0'));
};
const decimal = (value: bigint, currency: string): string => {
  const exponent = exponentOf(currency);
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
};

function optionsFromEnv(): CoinbaseEmulatorOptions {
  const env = process.env;
  const currency = (env.COINBASE_ACCOUNT_CURRENCY ?? 'USDC').toUpperCase();
  return {
    clientId: env.COINBASE_CLIENT_ID ?? 'local-coinbase-client',
    clientSecret: env.COINBASE_CLIENT_SECRET ?? 'local-coinbase-client-secret',
    apiKey: env.COINBASE_API_KEY ?? 'local-coinbase-api-key',
    apiSecret: env.COINBASE_API_SECRET ?? 'local-coinbase-api-secret',
    platformCurrencies: [...new Set([currency, 'BTC', 'ETH'])],
    platformBalance: '1000000',
    accessTokenSeconds: Number(env.COINBASE_ACCESS_TOKEN_SECONDS ?? 7200),
    redirectUris: [],
    now: Date.now,
  };
}

export function coinbaseEmulator(overrides: Partial<CoinbaseEmulatorOptions> = {}): RequestListener {
  const options: CoinbaseEmulatorOptions = { ...optionsFromEnv(), ...overrides };
  const now = options.now;
  const iso = () => new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const users = new Map<string, User>();
  const usersByEmail = new Map<string, User>();
  const wallets = new Map<string, Wallet>();
  const grantsByAccess = new Map<string, Grant>();
  const grantsByRefresh = new Map<string, Grant>();
  const codes = new Map<string, Code>();
  const transactions = new Map<string, Transaction>();
  /** Per wallet, its transactions oldest first. */
  const walletTransactions = new Map<string, Transaction[]>();
  /** `<sender user id> <idem>` -> the sender's transaction. */
  const idems = new Map<string, Transaction>();
  let nextSend: NextSend | undefined;

  function addUser(email: string, name?: string): User {
    const key = email.toLowerCase();
    const existing = usersByEmail.get(key);
    if (existing) return existing;
    const user: User = { id: randomUUID(), email: key, name: name ?? key.split('@')[0]!, createdAt: iso() };
    users.set(user.id, user);
    usersByEmail.set(key, user);
    return user;
  }
  const platform = addUser('treasury@platform.local', 'Platform Treasury');
  for (const u of LOCAL_USERS) addUser(u.email, u.name);

  function walletOf(owner: string, currency: string, create = true): Wallet | undefined {
    for (const w of wallets.values()) if (w.owner === owner && w.currency === currency) return w;
    if (!create) return undefined;
    const wallet: Wallet = { id: randomUUID(), owner, currency, balance: 0n, primary: ![...wallets.values()].some((w) => w.owner === owner), createdAt: iso() };
    wallets.set(wallet.id, wallet);
    walletTransactions.set(wallet.id, []);
    return wallet;
  }
  for (const currency of options.platformCurrencies) walletOf(platform.id, currency)!.balance = units(options.platformBalance, currency) ?? 0n;

  const ownerId = (owner: string): string | undefined => (owner === 'platform' ? platform.id : usersByEmail.get(owner.toLowerCase())?.id);

  // --- Shapes --------------------------------------------------------------------------------------

  const avatarOf = (user: User) => `https://images.coinbase.com/avatar?h=${createHash('sha256').update(user.id).digest('base64url').slice(0, 40)}&s=128`;
  const userResource = (user: User, scope: string[]) => ({
    id: user.id,
    name: user.name,
    username: null,
    profile_location: null,
    profile_bio: null,
    profile_url: null,
    avatar_url: avatarOf(user),
    resource: 'user',
    resource_path: `/v2/users/${user.id}`,
    ...(scope.includes('wallet:user:email') ? { email: user.email } : {}),
  });
  const accountResource = (w: Wallet) => ({
    id: w.id,
    name: `${w.currency} Wallet`,
    primary: w.primary,
    type: 'wallet',
    currency: { code: w.currency, name: CURRENCY_NAMES[w.currency] ?? w.currency, exponent: exponentOf(w.currency), type: FIAT.has(w.currency) ? 'fiat' : 'crypto' },
    balance: { amount: decimal(w.balance, w.currency), currency: w.currency },
    created_at: w.createdAt,
    updated_at: w.createdAt,
    resource: 'account',
    resource_path: `/v2/accounts/${w.id}`,
    allow_deposits: true,
    allow_withdrawals: true,
  });
  const partyResource = (p: Party) => ({ id: p.id, resource: 'user', resource_path: `/v2/users/${p.id}`, email: p.email });
  const transactionResource = (t: Transaction) => ({
    id: t.id,
    type: 'send',
    status: t.status,
    amount: { amount: decimal(t.amount, t.currency), currency: t.currency },
    description: t.description,
    created_at: t.createdAt,
    updated_at: t.createdAt,
    resource: 'transaction',
    resource_path: `/v2/accounts/${t.walletId}/transactions/${t.id}`,
    instant_exchange: false,
    network: { status: 'off_blockchain', status_description: null },
    ...(t.to ? { to: partyResource(t.to) } : {}),
    ...(t.from ? { from: partyResource(t.from) } : {}),
    idem: t.idem,
    details: t.to ? { title: `Sent ${t.currency}`, subtitle: `To ${t.to.email}` } : { title: `Received ${t.currency}`, subtitle: `From ${t.from?.email ?? 'Coinbase'}` },
  });

  // --- OAuth ---------------------------------------------------------------------------------------

  const redirectAllowed = (uri: string) => {
    if (options.redirectUris.length) return options.redirectUris.includes(uri);
    try {
      return ['http:', 'https:'].includes(new URL(uri).protocol);
    } catch {
      return false;
    }
  };
  const scopesOf = (scope: string | null | undefined) => [...new Set((scope || 'wallet:user:read').split(/[\s,]+/).filter(Boolean))];
  const withQuery = (uri: string, params: Record<string, string | undefined>) => {
    const url = new URL(uri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  };

  function consentPage(q: URLSearchParams): { status: number; html: string } | { redirect: string } {
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    if (clientId !== options.clientId) return { status: 400, html: page('Cannot continue', '<p>Unknown client (invalid_client).</p>') };
    if (!redirectAllowed(redirectUri)) return { status: 400, html: page('Cannot continue', '<p>The redirect URI is not registered for this client (invalid_redirect_uri).</p>') };
    const state = q.get('state') ?? undefined;
    if (q.get('response_type') !== 'code') return { redirect: withQuery(redirectUri, { error: 'unsupported_response_type', error_description: 'The authorization server does not support this response type.', state }) };
    const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'response_type']
      .filter((k) => q.get(k) !== null)
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k))}">`)
      .join('');
    const choices = [...users.values()]
      .filter((u) => u.id !== platform.id)
      .map((u, i) => `<label><input type="radio" name="email" value="${escapeHtml(u.email)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.name)} &lt;${escapeHtml(u.email)}&gt;</label><br>`)
      .join('');
    const body = `<h1>Coinbase (local emulator)</h1>
<p>An application asks for: ${scopesOf(q.get('scope')).map(escapeHtml).join(', ')}</p>
<form method="post" action="/oauth/authorize">${hidden}
<fieldset><legend>Sign in as</legend>${choices}
<label>or another email: <input type="email" name="other_email" autocomplete="off"></label></fieldset>
<button name="decision" value="approve">Authorize</button> <button name="decision" value="deny">Deny</button>
</form>`;
    return { status: 200, html: page('Authorize - Coinbase emulator', body) };
  }

  function consent(form: URLSearchParams): { status: number; html: string } | { redirect: string } {
    // The same checks as the page's (client, redirect URI, response type) before anything is granted.
    const checked = consentPage(form);
    if ('redirect' in checked || checked.status !== 200) return checked;
    const redirectUri = form.get('redirect_uri')!;
    const state = form.get('state') ?? undefined;
    if (form.get('decision') !== 'approve') return { redirect: withQuery(redirectUri, { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.', state }) };
    const email = (form.get('other_email') || form.get('email') || '').trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { status: 400, html: page('Cannot continue', '<p>Pick a user or type an email.</p>') };
    const user = addUser(email);
    const code = randomBytes(32).toString('hex');
    codes.set(code, { userId: user.id, redirectUri, scope: scopesOf(form.get('scope')), expiresAt: now() + CODE_TTL_MS, used: false });
    return { redirect: withQuery(redirectUri, { code, state }) };
  }

  const oauthError = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } });
  const INVALID_GRANT = oauthError(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.');
  const INVALID_REQUEST = oauthError(400, 'invalid_request', 'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.');
  const INVALID_CLIENT = oauthError(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.');

  function clientAuthenticated(req: IncomingMessage, params: URLSearchParams): boolean {
    let id = params.get('client_id');
    let secret = params.get('client_secret');
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') as [string, string];
    return id === options.clientId && secret !== null && safeEqual(secret ?? '', options.clientSecret);
  }

  function issue(userId: string, scope: string[]) {
    const grant: Grant = {
      userId,
      scope,
      accessToken: randomBytes(32).toString('hex'),
      refreshToken: randomBytes(32).toString('hex'),
      accessExpiresAt: now() + options.accessTokenSeconds * 1000,
      revoked: false,
      refreshRevoked: false,
    };
    grantsByAccess.set(grant.accessToken, grant);
    grantsByRefresh.set(grant.refreshToken, grant);
    return {
      status: 200,
      body: { access_token: grant.accessToken, token_type: 'bearer', expires_in: options.accessTokenSeconds, refresh_token: grant.refreshToken, scope: scope.join(' '), created_at: Math.floor(now() / 1000) },
    };
  }

  function token(req: IncomingMessage, params: URLSearchParams): { status: number; body: unknown } {
    const grantType = params.get('grant_type');
    if (!grantType) return INVALID_REQUEST;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    if (!clientAuthenticated(req, params)) return INVALID_CLIENT;
    if (grantType === 'authorization_code') {
      const codeValue = params.get('code');
      const redirectUri = params.get('redirect_uri');
      if (!codeValue || !redirectUri) return INVALID_REQUEST;
      const code = codes.get(codeValue);
      if (!code || code.used || code.expiresAt < now() || code.redirectUri !== redirectUri) return INVALID_GRANT;
      code.used = true;
      return issue(code.userId, code.scope);
    }
    const refreshToken = params.get('refresh_token');
    if (!refreshToken) return INVALID_REQUEST;
    const grant = grantsByRefresh.get(refreshToken);
    if (!grant || grant.revoked || grant.refreshRevoked) return INVALID_GRANT;
    grant.revoked = true; // rotation: the old refresh token and its access token are spent
    return issue(grant.userId, grant.scope);
  }

  function revoke(req: IncomingMessage, params: URLSearchParams): { status: number; body: unknown } {
    const value = params.get('token');
    if (!value) return INVALID_REQUEST;
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer && !clientAuthenticated(req, params)) return INVALID_CLIENT;
    const grant = grantsByAccess.get(value) ?? grantsByRefresh.get(value);
    if (grant) grant.revoked = true;
    return { status: 200, body: {} }; // an unknown token is no error (RFC 7009)
  }

  // --- API callers ---------------------------------------------------------------------------------

  type Caller = { userId: string; scope: string[] | 'all'; by: 'token' | 'key' };

  function caller(req: IncomingMessage, body: string): Caller {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      const grant = grantsByAccess.get(bearer);
      if (!grant) throw new ApiError(401, 'invalid_token', 'The access token is invalid');
      if (grant.revoked) throw new ApiError(401, 'revoked_token', 'The access token was revoked');
      if (grant.accessExpiresAt <= now()) throw new ApiError(401, 'expired_token', 'The access token expired');
      return { userId: grant.userId, scope: grant.scope, by: 'token' };
    }
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const key = header('cb-access-key');
    const signature = header('cb-access-sign');
    const timestamp = header('cb-access-timestamp');
    if (!key || key !== options.apiKey) throw new ApiError(401, 'authentication_error', 'invalid api key');
    if (!timestamp || !/^\d{1,12}(\.\d+)?$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S) throw new ApiError(401, 'authentication_error', 'request timestamp expired');
    const expected = createHmac('sha256', options.apiSecret).update(`${timestamp}${req.method}${req.url}${body}`).digest('hex');
    if (!signature || !safeEqual(signature, expected)) throw new ApiError(401, 'authentication_error', 'invalid signature');
    return { userId: platform.id, scope: 'all', by: 'key' };
  }

  const requireScope = (c: Caller, scope: string) => {
    if (c.scope !== 'all' && !c.scope.includes(scope)) throw new ApiError(403, 'invalid_scope', `Invalid scope: ${scope} required`);
  };
  const ownWallet = (c: Caller, id: string): Wallet => {
    const w = wallets.get(id);
    if (!w || w.owner !== c.userId) throw new ApiError(404, 'not_found', 'Not found');
    return w;
  };

  function record(walletId: string, t: Omit<Transaction, 'id' | 'walletId' | 'createdAt' | 'status'>): Transaction {
    const tx: Transaction = { id: randomUUID(), walletId, status: 'completed', createdAt: iso(), ...t };
    transactions.set(tx.id, tx);
    walletTransactions.get(walletId)!.push(tx);
    return tx;
  }

  function send(c: Caller, wallet: Wallet, params: Record<string, unknown>): Transaction {
    if (c.by === 'token') throw new ApiError(402, 'two_factor_required', 'Two-step verification code required to complete this request. Re-authorize this request with the CB-2FA-TOKEN header.');
    for (const name of ['type', 'to', 'amount', 'currency']) {
      if (params[name] === undefined || params[name] === null || params[name] === '') throw new ApiError(400, 'param_required', `Required parameter missing: ${name}`);
    }
    if (params.type !== 'send') throw new ApiError(400, 'invalid_request', `Unsupported transaction type: ${String(params.type)}`);
    const idem = params.idem === undefined ? null : String(params.idem);
    if (idem !== null && (idem.length === 0 || idem.length > 100)) throw new ApiError(400, 'invalid_request', 'idem must be 1 to 100 characters');
    if (idem !== null) {
      const earlier = idems.get(`${c.userId} ${idem}`);
      if (earlier) return earlier;
    }
    const currency = String(params.currency).toUpperCase();
    if (currency !== wallet.currency) throw new ApiError(422, 'validation_error', `Currency must be ${wallet.currency} for this account`, 'currency');
    const amount = typeof params.amount === 'string' ? units(params.amount, currency) : undefined;
    if (amount === undefined || amount <= 0n) throw new ApiError(422, 'validation_error', 'Amount is not valid', 'amount');
    const to = String(params.to).trim();
    const recipient = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to) ? addUser(to) : users.get(to);
    if (!recipient) throw new ApiError(422, 'validation_error', 'Please enter a valid email or bitcoin address', 'to');
    if (recipient.id === c.userId) throw new ApiError(422, 'validation_error', "You can't send money to yourself", 'to');
    if (wallet.balance < amount) throw new ApiError(422, 'validation_error', 'Insufficient funds', 'amount');
    const description = typeof params.description === 'string' ? params.description : null;
    const sender = users.get(c.userId)!;
    wallet.balance -= amount;
    const credited = walletOf(recipient.id, currency)!;
    credited.balance += amount;
    const tx = record(wallet.id, { amount: -amount, currency, idem, description, to: { id: recipient.id, email: recipient.email } });
    record(credited.id, { amount, currency, idem: null, description, from: { id: sender.id, email: sender.email } });
    if (idem !== null) idems.set(`${c.userId} ${idem}`, tx);
    return tx;
  }

  function list(wallet: Wallet, q: URLSearchParams, path: string) {
    const limit = Math.min(Math.max(Number(q.get('limit') ?? PAGE_LIMIT_DEFAULT) || PAGE_LIMIT_DEFAULT, 1), 100);
    const all = [...walletTransactions.get(wallet.id)!].reverse();
    const after = q.get('starting_after');
    let start = 0;
    if (after) {
      const i = all.findIndex((t) => t.id === after);
      if (i < 0) throw new ApiError(400, 'invalid_request', 'starting_after is not a transaction of this account');
      start = i + 1;
    }
    const pageItems = all.slice(start, start + limit);
    const more = start + limit < all.length;
    const last = pageItems.at(-1);
    return {
      pagination: {
        ending_before: null,
        starting_after: after,
        limit,
        order: 'desc',
        previous_uri: null,
        next_uri: more && last ? `${path}?limit=${limit}&starting_after=${last.id}` : null,
      },
      data: pageItems.map(transactionResource),
    };
  }

  function api(req: IncomingMessage, url: URL, body: string): { status: number; body: unknown } {
    const c = caller(req, body);
    const path = url.pathname;
    const warnings = req.headers['cb-version'] ? {} : { warnings: [{ id: 'missing_version', message: 'Please supply API version (YYYY-MM-DD) as CB-VERSION header', url: 'https://developers.coinbase.com/api#versioning' }] };
    const ok = (status: number, payload: object) => ({ status, body: { ...payload, ...warnings } });
    if (req.method === 'GET' && path === '/v2/user') {
      requireScope(c, 'wallet:user:read');
      const user = users.get(c.userId)!;
      return ok(200, { data: userResource(user, c.scope === 'all' ? ['wallet:user:email'] : c.scope) });
    }
    if (req.method === 'GET' && path === '/v2/accounts') {
      requireScope(c, 'wallet:accounts:read');
      const own = [...wallets.values()].filter((w) => w.owner === c.userId);
      return ok(200, { pagination: { ending_before: null, starting_after: null, limit: 25, order: 'desc', previous_uri: null, next_uri: null }, data: own.map(accountResource) });
    }
    const account = /^\/v2\/accounts\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && account) {
      requireScope(c, 'wallet:accounts:read');
      return ok(200, { data: accountResource(ownWallet(c, decodeURIComponent(account[1]!))) });
    }
    const txs = /^\/v2\/accounts\/([^/]+)\/transactions$/.exec(path);
    if (txs && req.method === 'GET') {
      requireScope(c, 'wallet:transactions:read');
      return ok(200, list(ownWallet(c, decodeURIComponent(txs[1]!)), url.searchParams, path));
    }
    if (txs && req.method === 'POST') {
      requireScope(c, 'wallet:transactions:send');
      const wallet = ownWallet(c, decodeURIComponent(txs[1]!));
      let params: unknown;
      try {
        params = body ? JSON.parse(body) : {};
      } catch {
        throw new ApiError(400, 'invalid_request', 'Malformed JSON body');
      }
      if (!params || typeof params !== 'object' || Array.isArray(params)) throw new ApiError(400, 'invalid_request', 'Malformed JSON body');
      return ok(201, { data: transactionResource(send(c, wallet, params as Record<string, unknown>)) });
    }
    const tx = /^\/v2\/accounts\/([^/]+)\/transactions\/([^/]+)$/.exec(path);
    if (tx && req.method === 'GET') {
      requireScope(c, 'wallet:transactions:read');
      const wallet = ownWallet(c, decodeURIComponent(tx[1]!));
      const found = transactions.get(decodeURIComponent(tx[2]!));
      if (!found || found.walletId !== wallet.id) throw new ApiError(404, 'not_found', 'Not found');
      return ok(200, { data: transactionResource(found) });
    }
    throw new ApiError(404, 'not_found', 'Not found');
  }

  // --- Test controls -------------------------------------------------------------------------------

  function control(req: IncomingMessage, url: URL, body: string): { status: number; body: unknown } {
    let input: Record<string, unknown> = {};
    if (req.method === 'POST') {
      try {
        input = (JSON.parse(body || '{}') as Record<string, unknown>) ?? {};
      } catch {
        return { status: 400, body: { error: 'body must be JSON' } };
      }
    }
    const userByEmail = () => usersByEmail.get(String(input.email ?? '').toLowerCase());
    const path = url.pathname.slice('/__emulator'.length);
    if (req.method === 'GET' && path === '/users') return { status: 200, body: { users: [...users.values()].map(({ id, email, name }) => ({ id, email, name })) } };
    if (req.method === 'POST' && (path === '/users/expire-tokens' || path === '/users/revoke-refresh-tokens')) {
      const user = userByEmail();
      if (!user) return { status: 404, body: { error: 'no such user' } };
      let grants = 0;
      for (const g of grantsByAccess.values()) {
        if (g.userId !== user.id) continue;
        if (path === '/users/expire-tokens') g.accessExpiresAt = Math.min(g.accessExpiresAt, now());
        else g.refreshRevoked = true;
        grants += 1;
      }
      return { status: 200, body: { grants } };
    }
    if (req.method === 'POST' && path === '/next-send') {
      if (input.hang === true) nextSend = { kind: 'hang' };
      else if (input.lose === 'request' || input.lose === 'answer') nextSend = { kind: 'lose', when: input.lose };
      else if (Number.isInteger(input.status) && typeof input.id === 'string') nextSend = { kind: 'error', status: input.status as number, id: input.id, message: typeof input.message === 'string' ? input.message : input.id };
      else return { status: 400, body: { error: 'give {"status","id","message"}, {"lose":"request"|"answer"} or {"hang":true}' } };
      return { status: 200, body: { next_send: nextSend } };
    }
    if (path === '/balance') {
      const owner = ownerId(String((req.method === 'GET' ? url.searchParams.get('owner') : input.owner) ?? ''));
      const currency = String((req.method === 'GET' ? url.searchParams.get('currency') : input.currency) ?? '').toUpperCase();
      if (!owner || !currency) return { status: 404, body: { error: 'owner must be "platform" or a user email, with a currency' } };
      if (req.method === 'GET') {
        const w = walletOf(owner, currency, false);
        return { status: 200, body: { owner, currency, amount: decimal(w?.balance ?? 0n, currency) } };
      }
      const w = walletOf(owner, currency)!;
      const value = units(String(input.add ?? input.set ?? ''), currency);
      if (value === undefined) return { status: 400, body: { error: `"add" or "set" must be a decimal amount with at most ${exponentOf(currency)} decimals` } };
      w.balance = input.add !== undefined ? w.balance + value : value;
      return { status: 200, body: { owner, currency, amount: decimal(w.balance, currency) } };
    }
    if (req.method === 'GET' && path === '/sends') {
      const sends = [...transactions.values()].filter((t) => t.to && wallets.get(t.walletId)?.owner === platform.id);
      return { status: 200, body: { sends: sends.map(transactionResource) } };
    }
    return { status: 404, body: { error: 'no such control' } };
  }

  // --- Routing -------------------------------------------------------------------------------------

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    void readBody(req, BODY_LIMIT)
      .then((body) => {
        if (url.pathname.startsWith('/__emulator/')) return json(res, control(req, url, body));
        if (url.pathname === '/oauth/authorize') {
          const outcome = req.method === 'POST' ? consent(new URLSearchParams(body)) : consentPage(url.searchParams);
          if ('redirect' in outcome) {
            res.writeHead(302, { location: outcome.redirect, 'cache-control': 'no-store' });
            return res.end();
          }
          res.writeHead(outcome.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          return res.end(outcome.html);
        }
        if (req.method === 'POST' && (url.pathname === '/oauth/token' || url.pathname === '/oauth/revoke')) {
          const params = formOrJson(req, body);
          if (!params) return json(res, INVALID_REQUEST);
          return json(res, url.pathname === '/oauth/token' ? token(req, params) : revoke(req, params));
        }
        if (!url.pathname.startsWith('/v2/')) return json(res, { status: 404, body: { errors: [{ id: 'not_found', message: 'Not found' }] } });
        const sending = req.method === 'POST' && /^\/v2\/accounts\/[^/]+\/transactions$/.test(url.pathname);
        const failure = sending ? nextSend : undefined;
        if (sending) nextSend = undefined;
        if (failure?.kind === 'lose' && failure.when === 'request') return req.socket.destroy();
        if (failure?.kind === 'error') return json(res, { status: failure.status, body: { errors: [{ id: failure.id, message: failure.message }] } });
        let answer: { status: number; body: unknown };
        try {
          answer = api(req, url, body);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          answer = { status: err.status, body: { errors: [{ id: err.id, message: err.message, ...(err.field ? { field: err.field } : {}) }] } };
        }
        if (failure?.kind === 'lose') return req.socket.destroy();
        if (failure?.kind === 'hang') return; // the caller gives up; the send was made
        json(res, answer);
      })
      .catch((err: unknown) => {
        if ((err as Error).message === 'body too large') return json(res, { status: 413, body: { errors: [{ id: 'invalid_request', message: 'Request body too large' }] } });
        console.error(`coinbase emulator: ${req.method} ${url.pathname} failed: ${(err as Error).message}`);
        json(res, { status: 500, body: { errors: [{ id: 'internal_server_error', message: 'Internal server error' }] } });
      });
  };
}

function formOrJson(req: IncomingMessage, body: string): URLSearchParams | undefined {
  if (!/json/i.test(req.headers['content-type'] ?? '')) return new URLSearchParams(body);
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return new URLSearchParams(Object.entries(parsed).filter(([, v]) => v !== undefined && v !== null).map(([k, v]): [string, string] => [k, String(v)]));
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}fieldset{margin:1rem 0}button{padding:.4rem 1rem}</style></head><body>${body}</body></html>`;
}

function json(res: ServerResponse, { status, body }: { status: number; body: unknown }): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}


// Child-process entry point used by the local stack.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const port = Number(process.argv[2]);
  createServer(coinbaseEmulator()).listen(port, '127.0.0.1', () => console.log(`coinbase emulator on 127.0.0.1:${port}`));
}
