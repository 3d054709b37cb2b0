/** The Poloniex adapter against the Poloniex emulator, started in this process on a free port (no stack). */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, poloniexConfig, resetConfig } from '../../lib/config/index.js';
import {
  floorToDecimals,
  fromPoloniexAmount,
  outcomeOf,
  poloniexClient,
  PoloniexError,
  poloniexSettings,
  signature,
  stringToSign,
  toPoloniexAmount,
  type PoloniexFailure,
  type PoloniexSettings,
} from '../../lib/exchanges/poloniex.js';
import { PoloniexEmulator } from '../../scripts/stack/poloniex-emulator.js';
import { environmentOf } from '../../scripts/functions.js';

const KEY = 'TEST1234-POLONIEX-KEY';
const SECRET = 'emulator-secret-0123456789abcdef0123456789abcdef';
const ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER_ADDRESS = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TOKEN = 10n ** 18n;

/** One clock for the emulator and the adapter, moved by the tests. */
let clock = Date.UTC(2026, 10, 24, 6, 0, 0);
const emulator = new PoloniexEmulator({ apiKey: KEY, apiSecret: SECRET, balances: { RWD: '1000' }, completeAfterMs: 3_000, now: () => clock });
const server: Server = createServer(emulator.listener);
let url = '';

const settings = (over: Partial<PoloniexSettings> = {}): PoloniexSettings => ({
  apiUrl: url,
  apiKey: KEY,
  apiSecret: SECRET,
  currency: 'RWD',
  network: 'ETH',
  amountDecimals: 8,
  timeoutMs: 2_000,
  now: () => clock,
  ...over,
});

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}/__emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const emulatedBalance = async () => ((await control('GET', 'balances')).body.balances as { currency: string; available: string }[]).find((b) => b.currency === 'RWD')?.available;

/** The PoloniexFailure a call rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<PoloniexFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PoloniexError);
  return (err as PoloniexError).failure;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  clock += 3_600_000;
  emulator.reset();
});

describe('Poloniex withdrawals through the emulator', () => {
  it('follows a withdrawal from PENDING to COMPLETE, with its txid', async () => {
    const polo = poloniexClient(settings());
    const since = new Date(clock);
    const { id } = await polo.withdraw({ amount: 15n * 10n ** 17n, address: ADDRESS });
    expect(id).toMatch(/^\d+$/);
    expect(await emulatedBalance()).toBe('998.50000000');

    const pending = await polo.withdrawalStatus(id, { since });
    expect(pending).toMatchObject({ id, status: 'PENDING', outcome: 'pending', currency: 'RWD', address: ADDRESS, amount: 15n * 10n ** 17n, fee: 0n, txid: null });

    clock += 3_000;
    const done = await polo.withdrawalStatus(id, { since });
    expect(done).toMatchObject({ id, status: 'COMPLETE', outcome: 'complete', amount: 15n * 10n ** 17n });
    expect(done!.txid).toMatch(/^0x[0-9a-f]{64}$/);
    expect(done!.createdAt.getTime()).toBe(Math.floor(since.getTime() / 1000) * 1000);
    expect(await emulatedBalance()).toBe('998.50000000');
    // The last 30 days by default; an id the history does not have is null.
    expect(await polo.withdrawalStatus(id)).toMatchObject({ id, outcome: 'complete' });
    expect(await polo.withdrawalStatus('1', { since })).toBeNull();
  });

  it('ends a withdrawal to an address set to fail in COMPLETE ERROR, keeping Poloniex answer and refunding', async () => {
    expect((await control('POST', 'error-rules', { address: OTHER_ADDRESS })).status).toBe(200);
    const polo = poloniexClient(settings());
    const since = new Date(clock);
    const ok = await polo.withdraw({ amount: 2n * TOKEN, address: ADDRESS });
    const failing = await polo.withdraw({ amount: 3n * TOKEN, address: OTHER_ADDRESS.toLowerCase() });
    expect(await emulatedBalance()).toBe('995.00000000');

    clock += 3_000;
    expect(await polo.withdrawalStatus(ok.id, { since })).toMatchObject({ outcome: 'complete' });
    const failed = await polo.withdrawalStatus(failing.id, { since });
    expect(failed).toMatchObject({ status: 'COMPLETE ERROR', outcome: 'failed', txid: null, httpStatus: 200 });
    // The exchange's own words about it, as the transfer's service_response keeps them.
    expect(failed!.answer).toEqual({
      withdrawals: [
        {
          withdrawalRequestsId: Number(failing.id),
          currency: 'RWD',
          address: OTHER_ADDRESS.toLowerCase(),
          amount: '3.00000000',
          fee: '0.00000000',
          timestamp: Math.floor(since.getTime() / 1000),
          status: 'COMPLETE ERROR',
          txid: null,
          ipAddress: '127.0.0.1',
          paymentID: null,
        },
      ],
    });
    expect(await emulatedBalance()).toBe('998.00000000');
  });

  it('moves withdrawals on command: the next one ends in error, one awaiting approval completes or fails now', async () => {
    const polo = poloniexClient(settings());
    const since = new Date(clock);
    await control('POST', 'next-withdrawal', { outcome: 'complete-error' });
    await control('POST', 'next-withdrawal', { outcome: 'await-approval' });
    const erring = await polo.withdraw({ amount: TOKEN, address: ADDRESS });
    const held = await polo.withdraw({ amount: TOKEN, address: ADDRESS });
    expect(await polo.withdrawalStatus(held.id, { since })).toMatchObject({ status: 'AWAITING APPROVAL', outcome: 'pending' });

    clock += 60_000;
    expect(await polo.withdrawalStatus(erring.id, { since })).toMatchObject({ status: 'COMPLETE ERROR', outcome: 'failed' });
    expect(await polo.withdrawalStatus(held.id, { since })).toMatchObject({ status: 'AWAITING APPROVAL' });
    expect((await control('POST', `withdrawals/${held.id}/fail`)).status).toBe(200);
    expect(await polo.withdrawalStatus(held.id, { since })).toMatchObject({ status: 'COMPLETE ERROR', outcome: 'failed' });
    expect((await control('POST', `withdrawals/${held.id}/complete`)).status).toBe(409);

    const third = await polo.withdraw({ amount: TOKEN, address: ADDRESS });
    expect((await control('POST', `withdrawals/${third.id}/complete`)).status).toBe(200);
    expect(await polo.withdrawalStatus(third.id, { since })).toMatchObject({ status: 'COMPLETE', outcome: 'complete' });
    const listed = (await control('GET', 'withdrawals')).body.withdrawals as { withdrawalRequestsId: number; status: string }[];
    expect(listed.map((w) => w.status)).toEqual(['COMPLETE ERROR', 'COMPLETE ERROR', 'COMPLETE']);
  });

  it('refuses a wrong secret as a signature failure, and makes nothing', async () => {
    const polo = poloniexClient(settings({ apiSecret: `${SECRET}-not` }));
    const failure = await failureOf(polo.withdraw({ amount: TOKEN, address: ADDRESS }));
    expect(failure).toEqual({ code: 'signature_refused', message: expect.any(String), httpStatus: 400, answer: { code: 'FORBIDDEN', message: 'Invalid API key/secret pair.' } });
    expect((await failureOf(polo.withdrawalStatus('1'))).code).toBe('signature_refused');
    expect((await failureOf(poloniexClient(settings({ apiKey: 'UNKNOWN-KEY' })).withdrawalStatus('1'))).code).toBe('signature_refused');
    expect((await control('GET', 'withdrawals')).body.withdrawals).toEqual([]);
    expect(await emulatedBalance()).toBe('1000.00000000');
  });

  it('refuses a stale or early timestamp, and makes nothing', async () => {
    for (const skew of [-61_000, -10 * 60_000, 2_000]) {
      const polo = poloniexClient(settings({ now: () => clock + skew }));
      const failure = await failureOf(polo.withdraw({ amount: TOKEN, address: ADDRESS }));
      expect(failure).toMatchObject({ code: 'timestamp_refused', httpStatus: 400 });
    }
    // Within the window it is taken.
    expect((await poloniexClient(settings({ now: () => clock - 30_000 })).withdraw({ amount: TOKEN, address: ADDRESS })).id).toMatch(/^\d+$/);
    expect((await control('GET', 'withdrawals')).body.withdrawals).toHaveLength(1);
  });

  it('finds again a withdrawal whose answer was lost, and only that one', async () => {
    const polo = poloniexClient(settings());
    // Earlier withdrawals of the same amount to the same address, before the attempt was recorded.
    const earlier = await polo.withdraw({ amount: 5n * TOKEN, address: ADDRESS });
    clock += 5_000;
    const recordedAt = new Date(clock);
    clock += 400;
    await control('POST', 'next-withdrawal', { outcome: 'lose-answer' });
    expect(await failureOf(polo.withdraw({ amount: 5n * TOKEN, address: ADDRESS }))).toMatchObject({ code: 'unknown_outcome' });
    const made = (await control('GET', 'withdrawals')).body.withdrawals as { withdrawalRequestsId: number }[];
    expect(made).toHaveLength(2);
    const lostId = String(made[1]!.withdrawalRequestsId);

    const found = await polo.findWithdrawal({ address: ADDRESS.toLowerCase(), amount: 5n * TOKEN, since: recordedAt });
    expect(found).toMatchObject({ id: lostId, amount: 5n * TOKEN, outcome: 'pending' });
    expect(found!.id).not.toBe(earlier.id);
    // Another amount, another address, another currency, or the id already taken by another transfer: none.
    expect(await polo.findWithdrawal({ address: ADDRESS, amount: 5n * TOKEN + 10n ** 10n, since: recordedAt })).toBeNull();
    expect(await polo.findWithdrawal({ address: OTHER_ADDRESS, amount: 5n * TOKEN, since: recordedAt })).toBeNull();
    expect(await polo.findWithdrawal({ address: ADDRESS, amount: 5n * TOKEN, currency: 'USDT', since: recordedAt })).toBeNull();
    expect(await polo.findWithdrawal({ address: ADDRESS, amount: 5n * TOKEN, since: recordedAt, exclude: [lostId] })).toBeNull();
  });

  it('treats an answer slower than the timeout as an unknown outcome, then finds the withdrawal', async () => {
    const polo = poloniexClient(settings({ timeoutMs: 150 }));
    const recordedAt = new Date(clock);
    await control('POST', 'next-withdrawal', { outcome: 'delay', delayMs: 600 });
    expect(await failureOf(polo.withdraw({ amount: 7n * TOKEN, address: ADDRESS }))).toMatchObject({ code: 'unknown_outcome' });
    expect(await polo.findWithdrawal({ address: ADDRESS, amount: 7n * TOKEN, since: recordedAt })).toMatchObject({ amount: 7n * TOKEN, address: ADDRESS });
  });

  it('answers too little balance and other refusals with the exchange answer kept', async () => {
    const polo = poloniexClient(settings());
    expect(await failureOf(polo.withdraw({ amount: 1001n * TOKEN, address: ADDRESS }))).toEqual({
      code: 'insufficient_balance',
      message: expect.any(String),
      httpStatus: 400,
      answer: { code: 21709, message: 'Low available balance' },
    });
    await control('POST', 'next-withdrawal', { outcome: 'refuse', httpStatus: 400, code: 21352, message: 'Trading for this currency is frozen' });
    expect(await failureOf(polo.withdraw({ amount: TOKEN, address: ADDRESS }))).toEqual({
      code: 'refused',
      message: 'Poloniex refused: Trading for this currency is frozen',
      httpStatus: 400,
      answer: { code: 21352, message: 'Trading for this currency is frozen' },
    });
    expect((await control('POST', 'fund', { currency: 'RWD', amount: '1' })).body).toEqual({ currency: 'RWD', available: '1001.00000000' });
    expect((await control('POST', 'fund', { amount: '1' })).status).toBe(400);
    expect((await control('POST', 'fund', { currency: 'RWD', amount: '-2000' })).status).toBe(400);
    expect((await polo.withdraw({ amount: 1001n * TOKEN, address: ADDRESS })).id).toMatch(/^\d+$/);
    expect(await emulatedBalance()).toBe('0.00000000');
  });
});

describe('Poloniex answers that settle nothing', () => {
  beforeEach(() => emulator.reset());

  it('takes a server error, a rate limit or an answer without an id to a withdrawal as an unknown outcome', async () => {
    const polo = poloniexClient(settings());
    for (const httpStatus of [500, 503, 429, 200]) {
      await control('POST', 'next-withdrawal', { outcome: 'refuse', httpStatus, code: httpStatus, message: 'Internal System Error' });
      expect(await failureOf(polo.withdraw({ amount: TOKEN, address: ADDRESS })), String(httpStatus)).toEqual({ code: 'unknown_outcome', message: expect.any(String) });
    }
  });

  it('takes a 408 (recvWindow passed) as a refused timestamp', async () => {
    await control('POST', 'next-withdrawal', { outcome: 'refuse', httpStatus: 408, code: 408, message: 'Request timeout' });
    expect(await failureOf(poloniexClient(settings()).withdraw({ amount: TOKEN, address: ADDRESS }))).toMatchObject({ code: 'timestamp_refused', httpStatus: 408 });
  });

  it('takes a read without an answer as unavailable', async () => {
    const closed = poloniexClient(settings({ apiUrl: 'http://127.0.0.1:9' }));
    expect(await failureOf(closed.withdrawalStatus('1'))).toEqual({ code: 'unavailable', message: expect.any(String) });
    expect(await failureOf(closed.withdraw({ amount: TOKEN, address: ADDRESS }))).toEqual({ code: 'unknown_outcome', message: expect.any(String) });
  });
});

describe('the Poloniex emulator', () => {
  beforeEach(() => emulator.reset());

  /** A request signed as the adapter signs it, with extra headers. */
  const signed = (method: 'GET' | 'POST', path: string, params: { query?: Record<string, string>; body?: string }, extra: Record<string, string> = {}) => {
    const ts = String(Date.now());
    clock = Number(ts);
    const query = params.query ? `?${new URLSearchParams(params.query).toString()}` : '';
    const headers = { 'content-type': 'application/json', key: KEY, signTimestamp: ts, signature: signature(SECRET, stringToSign(method, path, ts, params)), ...extra };
    return fetch(`${url}${path}${query}`, { method, headers, body: params.body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  };
  const withdrawBody = (over: Record<string, unknown> = {}) => ({ body: JSON.stringify({ coin: 'RWD', network: 'ETH', amount: '1', address: ADDRESS, ...over }) });

  it('answers unsigned requests 401, a passed recvWindow 408, and bad withdrawals as Poloniex does', async () => {
    expect(await fetch(`${url}/wallets/activity?start=0&end=1`).then(async (r) => ({ status: r.status, text: await r.text() }))).toEqual({ status: 401, text: '' });
    const late = await signed('GET', '/accounts/balances', {}, { recvWindow: '-1' });
    expect(late.status).toBe(408);
    expect(JSON.parse((await signed('GET', '/accounts/balances', {})).text)).toEqual([{ accountId: '1', accountType: 'SPOT', balances: [{ currency: 'RWD', available: '1000.00000000', hold: '0.00000000' }] }]);
    expect(JSON.parse((await signed('POST', '/v2/wallets/withdraw', withdrawBody({ coin: 'DOGE' }))).text)).toEqual({ code: 21102, message: 'Invalid currency' });
    for (const bad of [{ network: 'TRX' }, { amount: '0.000000001' }, { amount: '0' }, { address: 'bob@example.com' }]) {
      const answer = await signed('POST', '/v2/wallets/withdraw', withdrawBody(bad));
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(JSON.parse(answer.text).code, JSON.stringify(bad)).toBe(601);
    }
    expect(JSON.parse((await signed('GET', '/wallets/activity', { query: { start: '0' } })).text).code).toBe(602);
    expect(JSON.parse((await signed('GET', '/wallets/activity', { query: { start: '0', end: '9999999999', activityType: 'deposits' } })).text)).toEqual({ deposits: [], withdrawals: [] });
    expect((await control('GET', 'withdrawals')).body.withdrawals).toEqual([]);
  });

  it('ends withdrawals of an amount set to fail in error until the rules are removed, completes after the set delay, and resets', async () => {
    const polo = poloniexClient(settings());
    const since = new Date(clock);
    expect((await control('POST', 'error-rules', { amount: '2.5' })).status).toBe(200);
    expect((await control('POST', 'settings', { completeAfterMs: 10 })).body).toEqual({ completeAfterMs: 10 });
    const erring = await polo.withdraw({ amount: 25n * 10n ** 17n, address: ADDRESS });
    const fine = await polo.withdraw({ amount: 2n * TOKEN, address: ADDRESS });
    expect((await control('DELETE', 'error-rules')).status).toBe(200);
    const afterRules = await polo.withdraw({ amount: 25n * 10n ** 17n, address: ADDRESS });
    clock += 10;
    expect((await polo.withdrawalStatus(erring.id, { since }))!.status).toBe('COMPLETE ERROR');
    expect((await polo.withdrawalStatus(fine.id, { since }))!.status).toBe('COMPLETE');
    expect((await polo.withdrawalStatus(afterRules.id, { since }))!.status).toBe('COMPLETE');
    expect((await control('POST', 'error-rules', {})).status).toBe(400);
    expect((await control('POST', 'next-withdrawal', { outcome: 'explode' })).status).toBe(400);

    expect((await control('POST', 'reset')).status).toBe(200);
    expect((await control('GET', 'withdrawals')).body.withdrawals).toEqual([]);
    expect(await emulatedBalance()).toBe('1000.00000000');
    const slow = await polo.withdraw({ amount: TOKEN, address: ADDRESS });
    clock += 10;
    expect((await polo.withdrawalStatus(slow.id, { since }))!.status).toBe('PENDING');
  });
});

describe('Poloniex amounts', () => {
  it('converts the smallest unit to Poloniex decimals and back exactly', async () => {
    expect(toPoloniexAmount(1234567890000000000n, 8)).toBe('1.23456789');
    expect(toPoloniexAmount(10n ** 10n, 8)).toBe('0.00000001');
    // Past a float's 15-17 significant digits.
    expect(toPoloniexAmount(123456789012345678901234560000000000n, 8)).toBe('123456789012345678.90123456');
    expect(toPoloniexAmount(5n * TOKEN, 0)).toBe('5');
    expect(() => toPoloniexAmount(1234567891n * 10n ** 9n, 8)).toThrow(RangeError);
    expect(() => toPoloniexAmount(1n, 8)).toThrow(RangeError);
    expect(() => toPoloniexAmount(0n, 8)).toThrow(RangeError);
    expect(floorToDecimals(1234567899999999999n, 8)).toBe(1234567890000000000n);
    expect(fromPoloniexAmount('13.19951600')).toBe(13199516000000000000n);
    expect(fromPoloniexAmount('123456789012345678.90123456')).toBe(123456789012345678901234560000000000n);
    expect(() => fromPoloniexAmount('-1')).toThrow();
    expect(() => fromPoloniexAmount(null)).toThrow();

    // Through the exchange and back: what was asked is what the history says.
    const polo = poloniexClient(settings());
    await control('POST', 'fund', { currency: 'RWD', amount: '9007199254.74099301' });
    const amount = 9007199254740993010000000000n;
    const since = new Date(clock);
    const { id } = await polo.withdraw({ amount, address: ADDRESS });
    const sent = ((await control('GET', 'withdrawals')).body.withdrawals as { amount: string }[])[0]!;
    expect(sent.amount).toBe('9007199254.74099301');
    expect((await polo.withdrawalStatus(id, { since }))!.amount).toBe(amount);
    // More decimals than Poloniex takes: refused before any call.
    await expect(polo.withdraw({ amount: amount + 1n, address: ADDRESS })).rejects.toThrow(RangeError);
    expect((await control('GET', 'withdrawals')).body.withdrawals).toHaveLength(1);
  });

  it('reads Poloniex statuses as outcomes', () => {
    expect(['PENDING', 'PROCESSING', 'AWAITING APPROVAL', 'AWAITING_APPROVAL', 'SOMETHING NEW'].map(outcomeOf)).toEqual(Array(5).fill('pending'));
    expect(['COMPLETE', 'COMPLETED', 'COMPLETE: 0xabc'].map(outcomeOf)).toEqual(['complete', 'complete', 'complete']);
    expect(['COMPLETE ERROR', 'COMPLETE_ERROR'].map(outcomeOf)).toEqual(['failed', 'failed']);
  });

  it('signs the documented string: sorted GET parameters, the POST body', () => {
    expect(stringToSign('GET', '/wallets/activity', '1700000000000', { query: { start: '1', end: '2', activityType: 'withdrawals' } })).toBe(
      'GET\n/wallets/activity\nactivityType=withdrawals&end=2&signTimestamp=1700000000000&start=1',
    );
    expect(stringToSign('POST', '/v2/wallets/withdraw', '1700000000000', { body: '{"coin":"RWD"}' })).toBe('POST\n/v2/wallets/withdraw\nrequestBody={"coin":"RWD"}&signTimestamp=1700000000000');
  });
});

describe('Poloniex configuration', () => {
  afterEach(() => resetConfig());

  it('reads the poloniex section, with Poloniex itself and 8 decimals by default', () => {
    const saved = process.env.POLONIEX_API_URL;
    delete process.env.POLONIEX_API_URL;
    try {
      resetConfig();
      expect(poloniexSettings()).toEqual({ apiUrl: 'https://api.poloniex.com', apiKey: 'UNIT-POLONIEX-KEY', apiSecret: 'unit-test-poloniex-secret-unit-test-poloniex', currency: 'RWD', network: 'ETH', amountDecimals: 8, timeoutMs: 15_000 });
    } finally {
      process.env.POLONIEX_API_URL = saved;
    }
  });

  it('names a missing secret', () => {
    const saved = process.env.POLONIEX_API_SECRET;
    delete process.env.POLONIEX_API_SECRET;
    try {
      resetConfig();
      expect(() => poloniexConfig()).toThrow(ConfigError);
      expect(() => poloniexConfig()).toThrow(/POLONIEX_API_SECRET is not set/);
    } finally {
      process.env.POLONIEX_API_SECRET = saved;
    }
  });

  it('in AWS gives the key and secret from Secrets Manager only to functions that use poloniex', () => {
    const env = environmentOf(['poloniex'], {});
    expect(env.POLONIEX_API_SECRET).toBe('{{resolve:secretsmanager:${self:service}/${sls:stage}:SecretString:poloniexApiSecret}}');
    expect(env.POLONIEX_API_KEY).toBe('{{resolve:secretsmanager:${self:service}/${sls:stage}:SecretString:poloniexApiKey}}');
    expect(env).not.toHaveProperty('POLONIEX_API_URL');
    expect(environmentOf(['billing', 'coins'], {})).not.toHaveProperty('POLONIEX_API_SECRET');
  });
});
