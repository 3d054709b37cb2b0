/**
 * The Coinbase adapter against the Coinbase emulator, started in this process on a free port (no stack):
 * OAuth (consent, code, tokens, refresh, revoke), the user's profile, and the platform's signed sends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { CoinbaseError, coinbaseClient, coinbaseSettings, coinbaseSignature, type CoinbaseExchange, type CoinbaseFailure, type CoinbaseSettings } from '../../lib/exchanges/coinbase.js';
import { environmentOf } from '../../scripts/functions.js';
import { coinbaseEmulator } from '../../scripts/stack/coinbase-emulator.js';

const CLIENT = { clientId: 'unit-client', clientSecret: 'unit-client-secret-0123456789' };
const KEY = { apiKey: 'unit-api-key', apiSecret: 'unit-api-secret-0123456789abcdef' };
const REDIRECT = 'http://localhost:3000/payments-service/coinbase/callback';
const STATE = 'state-0123456789';

let server: Server;
let base: string;
let settings: CoinbaseSettings;
let coinbase: CoinbaseExchange;

beforeAll(async () => {
  server = createServer(coinbaseEmulator({ ...CLIENT, ...KEY, platformCurrencies: ['USDC', 'BTC'], platformBalance: '1000', accessTokenSeconds: 7200, redirectUris: [] }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  settings = { apiUrl: base, authorizeUrl: `${base}/oauth/authorize`, tokenUrl: `${base}/oauth/token`, ...CLIENT, ...KEY, currency: 'USDC', timeoutMs: 5000 };
  coinbase = coinbaseClient(settings);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function control(path: string, body?: object): Promise<any> {
  const res = await fetch(`${base}/__emulator${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  expect(res.status).toBe(200);
  return res.json();
}
const balance = async (owner: string, currency = 'USDC') => (await control(`/balance?owner=${encodeURIComponent(owner)}&currency=${currency}`)).amount as string;
const sends = async () => (await control('/sends')).sends as { id: string; idem: string; amount: { amount: string }; to: { email: string } }[];

/** The user's trip through the consent page: approving as `email` redirects back with a code (and our state). */
async function approve(email: string, redirectUri = REDIRECT): Promise<{ code: string; state: string | null }> {
  const authorize = new URL(coinbase.authorizeUrl({ state: STATE, redirectUri }));
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('alice@example.com');
  const form = new URLSearchParams(authorize.searchParams);
  form.set('other_email', email);
  form.set('decision', 'approve');
  const res = await fetch(`${base}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
  return { code: back.searchParams.get('code')!, state: back.searchParams.get('state') };
}

async function failure(promise: Promise<unknown>): Promise<CoinbaseFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CoinbaseError) return err.failure;
    throw err;
  }
  throw new Error('expected a CoinbaseError');
}

let idems = 0;
const newIdem = () => `withdrawal-${Date.now()}-${(idems += 1)}`;

describe('coinbase OAuth', () => {
  it('authorize -> consent -> code -> tokens -> the user in the contract shape', async () => {
    const authorize = new URL(coinbase.authorizeUrl({ state: STATE, redirectUri: REDIRECT }));
    expect(Object.fromEntries(authorize.searchParams)).toEqual({ response_type: 'code', client_id: CLIENT.clientId, redirect_uri: REDIRECT, state: STATE, scope: 'wallet:user:read,wallet:user:email' });

    const { code, state } = await approve('alice@example.com');
    expect(state).toBe(STATE);
    const before = Date.now();
    const tokens = await coinbase.tokensForCode(code, REDIRECT);
    expect(tokens.accessToken).not.toBe(tokens.refreshToken);
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7200_000 - 1000);
    expect(tokens.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 7200_000);

    const user = await coinbase.userOf(tokens.accessToken);
    // The contract's connected account, without the `ts` the platform adds.
    expect(Object.keys(user).sort()).toEqual(['avatar_url', 'email', 'id', 'name', 'profile_bio', 'profile_location', 'profile_url', 'resource', 'resource_path', 'username']);
    expect(user).toMatchObject({ email: 'alice@example.com', name: 'Alice Example', resource: 'user', resource_path: `/v2/users/${user.id}`, username: null, profile_bio: null });
    expect(user.avatar_url).toMatch(/^https:\/\/images\.coinbase\.com\/avatar\?h=/);
  });

  it('denying redirects back with access_denied and the state; an unknown client gets no consent page', async () => {
    const authorize = new URL(coinbase.authorizeUrl({ state: STATE, redirectUri: REDIRECT }));
    const form = new URLSearchParams(authorize.searchParams);
    form.set('email', 'alice@example.com');
    form.set('decision', 'deny');
    const res = await fetch(`${base}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect([back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('code')]).toEqual(['access_denied', STATE, null]);

    const stranger = new URL(coinbaseClient({ ...settings, clientId: 'someone-else' }).authorizeUrl({ state: STATE, redirectUri: REDIRECT }));
    const page = await fetch(stranger, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
  });

  it('an email typed on the consent page becomes a user of its own', async () => {
    const { code } = await approve('dora@example.org');
    const user = await coinbase.userOf((await coinbase.tokensForCode(code, REDIRECT)).accessToken);
    expect(user.email).toBe('dora@example.org');
    const alice = await coinbase.userOf((await coinbase.tokensForCode((await approve('alice@example.com')).code, REDIRECT)).accessToken);
    expect(alice.id).not.toBe(user.id);
  });

  it('a wrong code, a used code, a code for another redirect URI and wrong client credentials get no tokens', async () => {
    expect(await failure(coinbase.tokensForCode('not-a-code', REDIRECT))).toEqual({ code: 'no_tokens_by_code', reason: 'invalid_grant', message: "Can't get tokens by code." });

    const { code } = await approve('bob@example.com');
    await coinbase.tokensForCode(code, REDIRECT);
    expect(await failure(coinbase.tokensForCode(code, REDIRECT))).toMatchObject({ code: 'no_tokens_by_code', reason: 'invalid_grant' });

    const other = await approve('bob@example.com');
    expect(await failure(coinbase.tokensForCode(other.code, 'http://localhost:3000/elsewhere'))).toMatchObject({ code: 'no_tokens_by_code', reason: 'invalid_grant' });

    const third = await approve('bob@example.com');
    const impostor = coinbaseClient({ ...settings, clientSecret: 'another-client-secret-000' });
    expect(await failure(impostor.tokensForCode(third.code, REDIRECT))).toMatchObject({ code: 'no_tokens_by_code', reason: 'invalid_client' });
  });

  it('an expired access token is refused as expired; refreshed tokens work and the old refresh token is spent', async () => {
    const first = await coinbase.tokensForCode((await approve('carol@example.com')).code, REDIRECT);
    await control('/users/expire-tokens', { email: 'carol@example.com' });
    expect(await failure(coinbase.userOf(first.accessToken))).toEqual({ code: 'no_user_by_access_token', reason: 'expired_token', expired: true, message: "Can't read user profile by access token." });

    const second = await coinbase.refreshTokens(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await coinbase.userOf(second.accessToken)).email).toBe('carol@example.com');

    expect(await failure(coinbase.refreshTokens(first.refreshToken))).toEqual({ code: 'no_tokens_by_refresh_token', reason: 'invalid_grant', message: "Can't get tokens by refresh token." });
  });

  it('a revoked refresh token gets no tokens', async () => {
    const tokens = await coinbase.tokensForCode((await approve('erin@example.com')).code, REDIRECT);
    await control('/users/revoke-refresh-tokens', { email: 'erin@example.com' });
    expect(await failure(coinbase.refreshTokens(tokens.refreshToken))).toMatchObject({ code: 'no_tokens_by_refresh_token', reason: 'invalid_grant' });
  });

  it('a revoked grant reads no user', async () => {
    const tokens = await coinbase.tokensForCode((await approve('frank@example.com')).code, REDIRECT);
    await coinbase.revokeToken(tokens.accessToken);
    expect(await failure(coinbase.userOf(tokens.accessToken))).toMatchObject({ code: 'no_user_by_access_token', reason: 'revoked_token', expired: false });
    expect(await failure(coinbase.refreshTokens(tokens.refreshToken))).toMatchObject({ code: 'no_tokens_by_refresh_token' });
    expect(await failure(coinbase.userOf('0'.repeat(64)))).toMatchObject({ code: 'no_user_by_access_token', reason: 'invalid_token' });
  });
});

describe('coinbase sends from the platform account', () => {
  it('a send with the same idem twice makes one transaction and credits the recipient once', async () => {
    const [platformBefore, bobBefore] = [await balance('platform'), await balance('bob@example.com')];
    const idem = newIdem();
    const first = await coinbase.send({ to: 'bob@example.com', amount: '12.5', currency: 'USDC', idem });
    expect(first).toMatchObject({ status: 'completed', outcome: 'completed', amount: '12.500000', currency: 'USDC', idem, to: { email: 'bob@example.com' } });
    const again = await coinbase.send({ to: 'bob@example.com', amount: '12.5', currency: 'USDC', idem });
    expect(again.id).toBe(first.id);

    expect(Number(await balance('platform'))).toBeCloseTo(Number(platformBefore) - 12.5, 6);
    expect(Number(await balance('bob@example.com'))).toBeCloseTo(Number(bobBefore) + 12.5, 6);
    expect((await sends()).filter((s) => s.idem === idem)).toHaveLength(1);
    expect(await coinbase.transaction(first.id)).toMatchObject({ id: first.id, idem });
  });

  it('a send signed with another secret is refused with 401 and sends nothing', async () => {
    const count = (await sends()).length;
    const forger = coinbaseClient({ ...settings, apiSecret: 'not-the-platform-secret-000000' });
    const refused = await failure(forger.send({ to: 'bob@example.com', amount: '1', idem: newIdem() }));
    expect(refused).toMatchObject({ code: 'send_refused', httpStatus: 401, errors: [{ id: 'authentication_error', message: 'invalid signature' }], retryable: false });
    expect((await sends()).length).toBe(count);
  });

  it('the signature covers the body: a signed request with another body is refused', async () => {
    const account = ((await (await signedGet('/v2/accounts')).json()) as { data: { id: string; currency: { code: string } }[] }).data.find((a) => a.currency.code === 'USDC')!;
    const path = `/v2/accounts/${account.id}/transactions`;
    const signedBody = JSON.stringify({ type: 'send', to: 'bob@example.com', amount: '1', currency: 'USDC', idem: newIdem() });
    const sentBody = signedBody.replace('"1"', '"900"');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'CB-ACCESS-KEY': KEY.apiKey, 'CB-ACCESS-SIGN': coinbaseSignature(KEY.apiSecret, timestamp, 'POST', path, signedBody), 'CB-ACCESS-TIMESTAMP': timestamp, 'CB-VERSION': '2024-01-01' },
      body: sentBody,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ id: 'authentication_error', message: 'invalid signature' }] });
  });

  it('a request stamped more than 30 seconds off is refused', async () => {
    const late = coinbaseClient({ ...settings, now: () => Date.now() - 60_000 });
    expect(await failure(late.send({ to: 'bob@example.com', amount: '1', idem: newIdem() }))).toMatchObject({ code: 'send_refused', httpStatus: 401, errors: [{ id: 'authentication_error' }] });
  });

  it('a send whose answer is lost is found again by its idem, and a retry with that idem sends nothing more', async () => {
    const since = new Date();
    const idem = newIdem();
    const bobBefore = Number(await balance('bob@example.com'));
    await control('/next-send', { lose: 'answer' });
    expect(await failure(coinbase.send({ to: 'bob@example.com', amount: '3', idem }))).toMatchObject({ code: 'outcome_unknown' });

    const found = await coinbase.transactionByIdem(idem, { since });
    expect(found).toMatchObject({ idem, outcome: 'completed', amount: '3.000000', to: { email: 'bob@example.com' } });
    expect((await coinbase.send({ to: 'bob@example.com', amount: '3', idem })).id).toBe(found!.id);
    expect(Number(await balance('bob@example.com'))).toBeCloseTo(bobBefore + 3, 6);
  });

  it('a send that timed out is found by its idem; one lost before Coinbase got it is not found', async () => {
    const slow = coinbaseClient({ ...settings, timeoutMs: 300 });
    const hung = newIdem();
    await control('/next-send', { hang: true });
    expect(await failure(slow.send({ to: 'bob@example.com', amount: '2', idem: hung }))).toMatchObject({ code: 'outcome_unknown' });
    expect(await slow.transactionByIdem(hung)).toMatchObject({ idem: hung, outcome: 'completed' });

    const lost = newIdem();
    await control('/next-send', { lose: 'request' });
    expect(await failure(slow.send({ to: 'bob@example.com', amount: '2', idem: lost }))).toMatchObject({ code: 'outcome_unknown' });
    expect(await slow.transactionByIdem(lost, { since: new Date(Date.now() - 5000) })).toBeUndefined();
    expect(await slow.transactionByIdem(lost)).toBeUndefined();
  });

  it('a server error is an unknown outcome; refusals keep what Coinbase answered', async () => {
    await control('/next-send', { status: 503, id: 'internal_server_error', message: 'Service unavailable' });
    expect(await failure(coinbase.send({ to: 'bob@example.com', amount: '1', idem: newIdem() }))).toMatchObject({ code: 'outcome_unknown' });

    await control('/next-send', { status: 429, id: 'rate_limit_exceeded', message: 'Too many requests' });
    expect(await failure(coinbase.send({ to: 'bob@example.com', amount: '1', idem: newIdem() }))).toMatchObject({ code: 'send_refused', httpStatus: 429, retryable: true });

    await control('/balance', { owner: 'platform', currency: 'BTC', set: '0.5' });
    const poor = await failure(coinbase.send({ to: 'bob@example.com', amount: '0.6', currency: 'BTC', idem: newIdem() }));
    expect(poor).toMatchObject({ code: 'send_refused', httpStatus: 422, retryable: false, errors: [{ id: 'validation_error', message: 'Insufficient funds' }] });
    expect(poor.code === 'send_refused' && poor.answer).toEqual({ errors: [{ id: 'validation_error', message: 'Insufficient funds', field: 'amount' }] });
    expect(await balance('platform', 'BTC')).toBe('0.50000000');

    expect(await failure(coinbase.send({ to: 'no-such-user-id', amount: '1', idem: newIdem() }))).toMatchObject({ code: 'send_refused', httpStatus: 422, errors: [{ id: 'validation_error' }] });
  });

  it('transactionByIdem reads past the first page of the wallet', async () => {
    await control('/balance', { owner: 'platform', currency: 'USDC', add: '1000' });
    const oldest = newIdem();
    await coinbase.send({ to: 'carol@example.com', amount: '0.01', idem: oldest });
    for (let i = 0; i < 101; i += 1) await coinbase.send({ to: 'carol@example.com', amount: '0.01', idem: newIdem() });
    expect(await coinbase.transactionByIdem(oldest)).toMatchObject({ idem: oldest });
    expect(await coinbase.transactionByIdem('never-sent')).toBeUndefined();
  });
});

describe('coinbase configuration', () => {
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (name.startsWith('COINBASE_')) delete process.env[name];
    resetConfig();
  });

  it('reads the section, with Coinbase itself as the default and the token endpoint under the API', () => {
    Object.assign(process.env, { COINBASE_CLIENT_ID: 'id', COINBASE_CLIENT_SECRET: 'client-secret-0123456789', COINBASE_API_KEY: 'key', COINBASE_API_SECRET: 'api-secret-0123456789' });
    resetConfig();
    expect(coinbaseSettings()).toMatchObject({ apiUrl: 'https://api.coinbase.com', authorizeUrl: 'https://www.coinbase.com/oauth/authorize', tokenUrl: 'https://api.coinbase.com/oauth/token', currency: 'USDC', timeoutMs: 15_000 });
  });

  it('a missing secret names its variable', () => {
    Object.assign(process.env, { COINBASE_CLIENT_ID: 'id', COINBASE_API_KEY: 'key', COINBASE_API_SECRET: 'api-secret-0123456789' });
    resetConfig();
    expect(() => coinbaseSettings()).toThrow(/COINBASE_CLIENT_SECRET is not set/);
  });

  it('deployed, the secrets come from Secrets Manager', () => {
    const env = environmentOf(['coinbase'], {});
    expect(env.COINBASE_CLIENT_SECRET).toBe('{{resolve:secretsmanager:${self:service}/${sls:stage}:SecretString:coinbaseClientSecret}}');
    expect(env.COINBASE_API_SECRET).toBe('{{resolve:secretsmanager:${self:service}/${sls:stage}:SecretString:coinbaseApiSecret}}');
  });
});

/** A GET signed with the platform's key, as the adapter signs it. */
function signedGet(path: string): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(`${base}${path}`, { headers: { 'CB-ACCESS-KEY': KEY.apiKey, 'CB-ACCESS-SIGN': coinbaseSignature(KEY.apiSecret, timestamp, 'GET', path, ''), 'CB-ACCESS-TIMESTAMP': timestamp, 'CB-VERSION': '2024-01-01' } });
}
