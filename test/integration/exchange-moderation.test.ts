/**
 * The moderators' views of exchange transfers against the stack: the list (every filter, count, order, paging)
 * and one transfer's review (request, the user's latest withdrawals with their prices, the month's limits, the
 * user as their ticket described them). System role only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverFunctions } from '../../scripts/functions.js';
import { startCoinbaseConnect, finishCoinbaseConnect } from '../../lib/exchanges/coinbase-accounts.js';
import { poloniexAccountId } from '../../lib/exchanges/poloniex-accounts.js';
import { exchangeTransfersRepo } from '../../lib/exchanges/transfer-records.js';
import { setRates } from '../../lib/rates/index.js';
import { call, earnCoins, newUser, ticket } from '../fixtures/payments.js';
import { randomAddress, uniq, waitFor } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const system = () => ticket('urn:authenticateit:user:moderator', { roles: ['system'] });
const uuidOf = (id: string) => id.replace('urn:authenticateit:transaction_request:', '');
const profile = { email: 'ada@example.com', given_name: 'Ada', family_name: 'Lovelace', phone_number: '+61400000000', picture: 'https://cdn.example.com/ada.png' };

let sys: string;
let user: string;
let me: string;
let poloniexId: string;
let address: string;
let started: string;
const ids: string[] = [];

beforeAll(async () => {
  await setRates({ aud: '0.012', usd: '0.008' });
  sys = await system();
  started = new Date().toISOString();
  await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'active' });
  user = newUser();
  me = await ticket(user, { profile });
  await earnCoins(user, 100n * COIN);
  address = randomAddress();
  await call('POST', '/payments-service/poloniex/account', me, { address });
  poloniexId = poloniexAccountId(user, address);
  for (const coins of [10n, 20n]) {
    const res = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (coins * COIN).toString(), id: poloniexId });
    expect(res.status).toBe(200);
    ids.push(res.body.id);
  }
});
afterAll(async () => {
  await call('POST', '/payments-service/poloniex/options', await system(), { manual_approve: 'inactive' });
});

const list = (body: unknown, t = sys) => call('POST', '/payments-service/transfer/get', t, body);

describe('the moderators’ list', () => {
  it('answers a user’s transfers as rows with the user as their ticket described them', async () => {
    const res = await list({ user_id: user });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    const [newest, oldest] = res.body.data;
    expect(newest.request_id).toBe(ids[1]); // newest first by default
    expect(oldest).toEqual({
      account_address: address,
      account_email: null,
      account_number: poloniexId,
      aud_amount: 0.12, // 10 coins at 0.012
      aud_fee_amount: expect.any(Number),
      coins_amount: (10n * COIN).toString(),
      coins_fee: expect.stringMatching(/^\d+$/),
      first_name: 'Ada',
      id: `${ids[0]}:manual`,
      last_name: 'Lovelace',
      request_id: ids[0],
      request_service_response: null,
      request_status: 'pending',
      status: 'pending',
      ts: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      type: 'poloniex',
      user_email: 'ada@example.com',
      user_id: user,
    });
  });

  it('orders, pages and counts all matches', async () => {
    const page = await list({ user_id: user, order_type: 'asc', order_by: 'ts', limit: 1, offset: 1 });
    expect(page.body.count).toBe(2);
    expect(page.body.data.map((r: { request_id: string }) => r.request_id)).toEqual([ids[1]]);
    expect((await list({ user_id: user, offset: 5 })).body).toEqual({ count: 2, data: [] });
  });

  it('filters by status, type and time, and refuses a bad filter with a 400', async () => {
    await call('POST', '/payments-service/transfer/reject', sys, { id: `${ids[1]}:manual` });
    const rejected = await list({ user_id: user, status: ['manual_rejected'] });
    expect(rejected.body.data.map((r: { request_id: string; status: string; request_status: string }) => [r.request_id, r.status, r.request_status])).toEqual([[ids[1], 'manual_rejected', 'failure']]);
    expect((await list({ user_id: user, status: ['pending', 'auto_approved'] })).body.count).toBe(1);
    expect((await list({ user_id: user, type: ['coinbase'] })).body.count).toBe(0);
    expect((await list({ user_id: user, type: ['poloniex'], status: [] })).body.count).toBe(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list({ user_id: user, ts_from: future })).body.count).toBe(0);
    expect((await list({ user_id: user, ts_to: started })).body.count).toBe(0);
    expect((await list({ ts_from: started, status: ['manual_rejected'], type: ['poloniex'] })).body.data.map((r: { request_id: string }) => r.request_id)).toContain(ids[1]);

    const reversed = await list({ ts_from: future, ts_to: started });
    expect([reversed.status, reversed.body.error_id]).toEqual([400, 'payments-bad_time_range']);
    for (const bad of [{ status: ['approved'] }, { type: ['kraken'] }, { ts_from: 'yesterday' }, { limit: 0 }, { offset: -1 }, { order_type: 'up' }, { user_id: 'bob' }]) {
      const res = await list(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error_id).toBe(`payments-bad_${Object.keys(bad)[0]}`);
    }
  });

  it('finds Coinbase transfers by the account email, case-insensitively', async () => {
    await call('POST', '/payments-service/coinbase/options', sys, { manual_approve: 'active' });
    try {
      const cbUser = newUser();
      await earnCoins(cbUser, 50n * COIN);
      const email = `${uniq('cb')}@Example.com`;
      const authorize = new URL((await startCoinbaseConnect(cbUser)).authorize_url);
      const form = new URLSearchParams(authorize.searchParams);
      form.set('other_email', email);
      form.set('decision', 'approve');
      const back = new URL((await fetch(new URL('/oauth/authorize', authorize), { method: 'POST', body: form, redirect: 'manual' })).headers.get('location')!);
      const cbId = (await finishCoinbaseConnect(back.searchParams.get('code')!, back.searchParams.get('state')!)).profile.id;
      const sent = await call('POST', '/payments-service/coinbase/transfer', await ticket(cbUser), { coins: (5n * COIN).toString(), id: cbId });
      expect(sent.status).toBe(200);
      const found = await list({ account_email: email.toUpperCase(), ts_from: started });
      expect(found.body.count).toBe(1);
      expect(found.body.data[0]).toMatchObject({ account_email: email.toLowerCase(), account_number: cbId, type: 'coinbase', user_id: cbUser, first_name: null, user_email: null });
      expect(found.body.data[0]).not.toHaveProperty('account_address');
      await call('POST', '/payments-service/transfer/reject', sys, { id: `${sent.body.id}:manual` });
    } finally {
      await call('POST', '/payments-service/coinbase/options', sys, { manual_approve: 'inactive' });
    }
  });

  it('is for the system role only', async () => {
    expect((await list({}, me)).status).toBe(403);
    expect((await list({}, '')).status).toBe(401);
  });
});

describe('a transfer’s review', () => {
  it('shows the request, its decision, the user’s withdrawals, the month’s limits and the user', async () => {
    const code = `${ids[0]}:manual`;
    const before = await call('POST', '/payments-service/transfer/limits', sys, { id: code });
    expect(before.status).toBe(200);
    expect(before.body.request).toMatchObject({
      action: 'user_poloniex',
      coins: (10n * COIN).toString(),
      coins_prices: { aud: 1.2e-20, usd: 8e-21 },
      id: code,
      moderator_id: null,
      owner: user,
      profile_coins: (100n * COIN).toString(), // the balance when the first transfer was asked for
      status: 'pending',
      status_ts: null,
      transfer_uuid: ids[0],
      account: { address, id: poloniexId },
    });
    expect(before.body.user).toEqual({ country: '036', email: 'ada@example.com', first_name: 'Ada', id: user, last_name: 'Lovelace', level: 'basic', phone: '+61400000000', photo: 'https://cdn.example.com/ada.png' });
    const t = (await exchangeTransfersRepo.get(uuidOf(ids[0]!)))!;
    const debitAud = Number(t.debitCoins) * 0.012 / 1e18;
    expect(before.body.limits).toMatchObject({ boosted_value: 0, currency: 'aud', level: 'basic', max_level_value: 20, total_max_level_value: 70 });
    expect(before.body.limits.record_value).toBeCloseTo(debitAud, 8);
    expect(before.body.limits.ts_from < before.body.request.ts && before.body.request.ts < before.body.limits.ts_to).toBe(true);
    // The month counts the first transfer only: the second was rejected.
    expect(before.body.limits.history_value).toBeCloseTo(debitAud, 8);
    expect(before.body.history.map((h: { id: string; type: string }) => [h.id, h.type])).toEqual([[ids[1], 'poloniex'], [ids[0], 'poloniex']]);
    expect(before.body.history[0]).toMatchObject({ status: 'failure', manual_code: `${ids[1]}:manual`, owner: user, coins_prices: { aud: 1.2e-20 }, fee: { pay_fee_with_coins: false } });

    await call('POST', '/payments-service/transfer/approve', sys, { id: code });
    const after = await call('POST', '/payments-service/transfer/limits', sys, { id: ids[0] });
    expect(after.body.request).toMatchObject({ moderator_id: 'urn:authenticateit:user:moderator', status: 'manual_approved', status_ts: expect.stringMatching(/Z$/) });
    await waitFor('the approved transfer settled', async () => ['completed', 'failed'].includes((await exchangeTransfersRepo.get(uuidOf(ids[0]!)))!.status));
  });

  it('answers 404 for an unknown transfer and 403 to a user', async () => {
    const unknown = await call('POST', '/payments-service/transfer/limits', sys, { id: 'urn:authenticateit:transaction_request:00000000-0000-4000-8000-000000000000:manual' });
    expect([unknown.status, unknown.body.error_id]).toEqual([404, 'payments-exchange_transfer_not_found']);
    expect((await call('POST', '/payments-service/transfer/limits', me, { id: `${ids[0]}:manual` })).status).toBe(403);
  });
});

describe('the system role', () => {
  it('is required by every system route: a user’s ticket gets 403, whatever it sends', async () => {
    const systemRoutes = (await discoverFunctions()).flatMap((f) => (f.route && f.route.auth.kind === 'systemRole' ? [f.route] : []));
    expect(systemRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining([
      'GET /payments-service/{exchange}/options',
      'POST /payments-service/{exchange}/options',
      'POST /payments-service/transfer/get',
      'POST /payments-service/transfer/limits',
      'POST /payments-service/transfer/approve',
      'POST /payments-service/transfer/reject',
    ]));
    for (const r of systemRoutes) {
      for (const exchange of r.path.includes('{exchange}') ? ['coinbase', 'poloniex'] : ['']) {
        const path = r.path.replace('{exchange}', exchange).replace(/\{[^}]+\}/g, 'x');
        const res = await call(r.method, path, me, r.method === 'GET' ? undefined : { id: `${ids[0]}:manual` });
        expect([`${r.method} ${path}`, res.status, res.body.error_id]).toEqual([`${r.method} ${path}`, 403, 'payments-not_system']);
      }
    }
  });
});
