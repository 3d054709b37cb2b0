/**
 * Retail connect against the stack: a user pays with coins at a participant's store terminal and gets a rebate
 * by their loyalty level. The whole flow with exact coin amounts; a code starts one session; the coin rule and
 * the balance bound a payment; terminate returns paid coins once; concurrent confirmations rebate once; expired
 * sessions and stale prices are refused (and the sweep returns an expired session's coins); another participant's
 * terminal sees nothing; a level-up changes the rebate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { issueDeviceTicket } from '../../lib/identity/device-tickets.js';
import { getBalance } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { addStoreCard } from '../../lib/retail/cards.js';
import { setProgram } from '../../lib/retail/programs.js';
import { retailSessionsRepo } from '../../lib/retail/repository.js';
import { sweepRetailSessions, updateFromTerminal, updateFromUser } from '../../lib/retail/sessions.js';
import { withdrawalMonthsRepo } from '../../lib/withdrawals/repository.js';
import { call, earnCoins, fundedParticipant, newUser, ticket } from '../fixtures/payments.js';
import { identityIssuer, stack } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const BASE = '/payments-service/retail_connect/v1';

/** The program: coins pay at most $2 of a purchase; two purchases in 30 days make a regular (25%). */
const PROGRAM = {
  name: 'NovaStore',
  description: 'Pay with coins and get up to 33% back.',
  bgcolor: '#ED1010',
  country: '036',
  coin_payments_rule: { type: 'currency_value', currency_value: 200 },
  level_up: [
    { level_id: 'casual', rules: [] },
    { level_id: 'regular', rules: [{ type: 'purchases_count', purchases_count: 2, period_days: 30 }] },
    { level_id: 'vip', rules: [{ type: 'purchases_count', purchases_count: 10, period_days: 30 }, { type: 'spends', spends: 100000, period_days: 30 }] },
  ],
  rebate: [
    { level_id: 'casual', rebate_percents: 15 },
    { level_id: 'regular', rebate_percents: 25 },
    { level_id: 'vip', rebate_percents: 33 },
  ],
};

interface Store {
  participant: string;
  operator: string;
  device: string;
  deviceId: string;
}

async function newStore(depositCoins = 10_000n * COIN): Promise<Store> {
  const participant = await fundedParticipant(depositCoins);
  await setProgram(participant, PROGRAM, 'urn:authenticateit:user:system');
  const operator = await ticket('urn:authenticateit:user:email:cashier@novastore.example', { participant });
  const { ticket: device, deviceId } = await issueDeviceTicket(identityIssuer(), { participant });
  return { participant, operator, device, deviceId };
}

async function newShopper(store: Store, coins: bigint) {
  const user = newUser();
  if (coins > 0n) await earnCoins(user, coins);
  const card = await addStoreCard(user, store.participant);
  return { user, me: await ticket(user), cardId: card.cardId };
}

const terminal = (store: Store) => ({ authenticateit_identity_ticket: store.operator, authenticateit_terminal_device: store.device });

async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(stack().apiUrl + path, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

const codeFor = async (me: string, cardId: string) => (await call('GET', `${BASE}/code?card_id=${encodeURIComponent(cardId)}`, me)).body.code as string;
const init = (store: Store, code: string) => send('POST', `${BASE}/sessions/session/init`, terminal(store), { code });
const byTerminal = (store: Store, session_id: string, status_metadata: unknown) => send('PUT', `${BASE}/sessions/session/update/terminal`, terminal(store), { session_id, status_metadata });
const byUser = (me: string, session_id: string, status_metadata: unknown) => call('PUT', `${BASE}/sessions/session/update/user`, me, { session_id, status_metadata });

beforeAll(async () => {
  // One whole coin is worth exactly 1 cent: coins and cents read alike.
  await setRates({ aud: '0.01' });
});

describe('a store purchase paid partly with coins', () => {
  it('code -> init -> amount -> payment -> confirm -> rebate, with exact coins, history and statement', async () => {
    const store = await newStore();
    const { user, me, cardId } = await newShopper(store, 1000n * COIN);
    const depositBefore = await getBalance(accountIds.userCoins(store.participant));

    const level = await call('GET', `${BASE}/code?card_id=${encodeURIComponent(cardId)}`, me);
    expect(level.status).toBe(200);
    expect(level.body).toMatchObject({ participant_id: store.participant, user_id: user, user_level: 'casual', user_level_next: 'regular', user_level_rebate_percents: 15, type: 'retail_connect_level' });
    expect(level.body.code).toMatch(/^[0-9a-f]{80,}$/);

    const started = await init(store, level.body.code);
    expect(started.status).toBe(200);
    const id = started.body.id as string;
    expect(started.body).toMatchObject({ status: 'init', status_side: 'terminal', currency: 'aud', device_id: store.deviceId, participant_id: store.participant, user_id: user, timeout: 1800, is_expired: false, type: 'retail_connect_session' });
    expect(started.body.coin_price).toMatchObject({ price: 1e-20, timeout_sec: 120 });
    expect(started.body.loyalty_program).toMatchObject({ name: 'NovaStore', user_level: 'casual' });

    const amount = await byTerminal(store, id, { status: 'amount_set', amount_value: 1000, payment_method: 'cash', payment_reference: null });
    expect(amount.status).toBe(200);
    expect(amount.body.statuses.amount_set).toMatchObject({ amount_value: 1000, payment_method: 'cash', status: 'amount_set' });

    // The user sees the session (and the terminal's amount) and pays 100 coins = $1; $9 in cash.
    expect((await call('GET', `${BASE}/sessions/session?session_id=${id}`, me)).body.status).toBe('amount_set');
    const paid = await byUser(me, id, { status: 'payment_set', payment_coins: (100n * COIN).toString(), payment_value: 900, payment_reference: null });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'payment_set', status_side: 'user' });
    expect(paid.body.statuses.payment_set).toMatchObject({
      payment_coins: (100n * COIN).toString(),
      payment_value: 900,
      payment_result: { charge_id: null, status: 'success' },
      transaction: { action: 'retail_connect', coins: (100n * COIN).toString(), coins_prices: { aud: 1e-20 }, currency: 'aud', owner: user, profile_coins: (1000n * COIN).toString(), session_id: id, type: 'transaction_request' },
    });
    expect(await getBalance(accountIds.userCoins(user))).toBe(900n * COIN);

    const confirmed = await byTerminal(store, id, { status: 'payment_confirm' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('rebate_set');
    // $10 x 15% = $1.50 = 150 coins at 1 cent each.
    expect(confirmed.body.statuses.rebate_set).toMatchObject({ coins_rebate: (150n * COIN).toString(), status: 'rebate_set' });
    expect(confirmed.body.statuses.payment_confirm).toMatchObject({ status: 'payment_confirm' });
    expect(await getBalance(accountIds.userCoins(user))).toBe(1050n * COIN);
    expect(await getBalance(accountIds.userCoins(store.participant))).toBe(depositBefore + 100n * COIN - 150n * COIN);

    const history = (await call('POST', '/payments-service/withdrawal/history/get', me, {})).body.history;
    expect(history[0]).toMatchObject({ type: 'retail_connect', coins: (100n * COIN).toString(), coins_rebate: (150n * COIN).toString(), status: 'success', session_id: id });
    const months = await withdrawalMonthsRepo.list(user);
    expect(months.map((m) => [m.earnCoins, m.transferCoins])).toEqual([[1000n * COIN + 150n * COIN, 100n * COIN]]);
    const statement = (await call('GET', '/payments-service/withdrawal/earnings/statement', me)).body.result;
    expect(statement.at(-1)).toMatchObject({ earn_coins: (1150n * COIN).toString(), transfer_coins: (100n * COIN).toString() });

    // Ended: no longer among the active sessions, and no update moves it.
    expect((await call('GET', `${BASE}/sessions`, me)).body).toEqual([]);
    const again = await byTerminal(store, id, { status: 'terminate' });
    expect([again.status, again.body.error_id]).toEqual([409, 'payments-retail_bad_transition']);
  });

  it('a code starts one session, at its participant’s terminals only', async () => {
    const store = await newStore();
    const other = await newStore();
    const { me, cardId } = await newShopper(store, 0n);
    const code = await codeFor(me, cardId);
    const elsewhere = await init(other, code);
    expect([elsewhere.status, elsewhere.body.error_id]).toEqual([403, 'payments-retail_code_other_participant']);
    const [a, b] = await Promise.all([init(store, code), init(store, code)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.error_id).toBe('payments-retail_code_used');
    const tampered = await init(store, code.slice(0, -2) + (code.endsWith('00') ? '11' : '00'));
    expect([tampered.status, tampered.body.error_id]).toEqual([400, 'payments-retail_bad_code']);
  });

  it('the coin rule and the balance bound a payment', async () => {
    const store = await newStore();
    const { me, cardId } = await newShopper(store, 150n * COIN);
    const { body } = await init(store, await codeFor(me, cardId));
    await byTerminal(store, body.id, { status: 'amount_set', amount_value: 5000, payment_method: 'cashless', payment_reference: 'POS-20231102-0001' });
    const overRule = await byUser(me, body.id, { status: 'payment_set', payment_coins: (201n * COIN).toString(), payment_value: 4799 });
    expect([overRule.status, overRule.body.error_id]).toEqual([422, 'payments-retail_over_coin_rule']);
    const overBalance = await byUser(me, body.id, { status: 'payment_set', payment_coins: (200n * COIN).toString(), payment_value: 4800 });
    expect([overBalance.status, overBalance.body.error_id]).toEqual([422, 'payments-retail_insufficient_coins']);
    const wrongValue = await byUser(me, body.id, { status: 'payment_set', payment_coins: (100n * COIN).toString(), payment_value: 4800 });
    expect([wrongValue.status, wrongValue.body.error_id, wrongValue.body.error_data]).toEqual([400, 'payments-retail_bad_payment_value', { expected_payment_value: 4900 }]);
    // Nothing moved, and the session still waits for a payment.
    expect((await retailSessionsRepo.get(body.id.split(':').at(-1)))!.status).toBe('amount_set');
    const ok = await byUser(me, body.id, { status: 'payment_set', payment_coins: (150n * COIN).toString(), payment_value: 4850, payment_reference: 'POS-20231102-0001' });
    expect(ok.status).toBe(200);
  });

  it('a cash amount takes no payment reference and a cashless one needs it', async () => {
    const store = await newStore();
    const { me, cardId } = await newShopper(store, 0n);
    const { body } = await init(store, await codeFor(me, cardId));
    const cashWithRef = await byTerminal(store, body.id, { status: 'amount_set', amount_value: 100, payment_method: 'cash', payment_reference: 'X-1234' });
    const cashlessWithout = await byTerminal(store, body.id, { status: 'amount_set', amount_value: 100, payment_method: 'cashless' });
    expect([cashWithRef.body.error_id, cashlessWithout.body.error_id]).toEqual(['payments-retail_bad_payment_reference', 'payments-retail_bad_payment_reference']);
    const outOfOrder = await byTerminal(store, body.id, { status: 'payment_confirm' });
    expect([outOfOrder.status, outOfOrder.body.error_id]).toEqual([409, 'payments-retail_bad_transition']);
    const userSetsAmount = await byUser(me, body.id, { status: 'amount_set', amount_value: 100 });
    expect(userSetsAmount.status).toBe(400);
  });

  it('terminate after payment returns the coins once, and takes them out of the month', async () => {
    const store = await newStore();
    const { user, me, cardId } = await newShopper(store, 500n * COIN);
    const { body } = await init(store, await codeFor(me, cardId));
    await byTerminal(store, body.id, { status: 'amount_set', amount_value: 1000, payment_method: 'cash' });
    await byUser(me, body.id, { status: 'payment_set', payment_coins: (200n * COIN).toString(), payment_value: 800 });
    expect(await getBalance(accountIds.userCoins(user))).toBe(300n * COIN);
    const [byShopper, byCashier] = await Promise.all([byUser(me, body.id, { status: 'terminate' }), byTerminal(store, body.id, { status: 'terminate' })]);
    expect([byShopper.status, byCashier.status].sort()).toEqual([200, 409]);
    expect(await getBalance(accountIds.userCoins(user))).toBe(500n * COIN);
    expect(await getBalance(accountIds.retailHold(body.id.split(':').at(-1)))).toBe(0n);
    expect((await withdrawalMonthsRepo.list(user)).map((m) => m.transferCoins)).toEqual([0n]);
    const history = (await call('POST', '/payments-service/withdrawal/history/get', me, {})).body.history;
    expect(history[0]).toMatchObject({ type: 'retail_connect', status: 'failure', coins_rebate: null });
  });

  it('concurrent confirmations pay the rebate once', async () => {
    const store = await newStore();
    const { user, me, cardId } = await newShopper(store, 100n * COIN);
    const { body } = await init(store, await codeFor(me, cardId));
    await byTerminal(store, body.id, { status: 'amount_set', amount_value: 2000, payment_method: 'cash' });
    await byUser(me, body.id, { status: 'payment_set', payment_coins: (100n * COIN).toString(), payment_value: 1900 });
    const confirms = await Promise.all([0, 1, 2].map(() => byTerminal(store, body.id, { status: 'payment_confirm' })));
    expect(confirms.map((c) => c.status).sort()).toEqual([200, 409, 409]);
    // $20 x 15% = 300 coins, once.
    expect(await getBalance(accountIds.userCoins(user))).toBe(300n * COIN);
  });
});

describe('time: session expiry and price quotes', () => {
  it('refuses an expired session and a stale price; the sweep returns an expired session’s coins', async () => {
    const store = await newStore();
    const { user, me, cardId } = await newShopper(store, 300n * COIN);
    const t = { operator: 'urn:authenticateit:user:email:cashier@novastore.example', deviceId: store.deviceId, participant: store.participant };

    const first = (await init(store, await codeFor(me, cardId))).body;
    const late = new Date(Date.now() + 1801_000);
    await expect(updateFromTerminal(t, first.id, { status: 'amount_set', amount_value: 100, payment_method: 'cash' }, late)).rejects.toMatchObject({ code: 'retail_session_expired' });

    const second = (await init(store, await codeFor(me, cardId))).body;
    await byTerminal(store, second.id, { status: 'amount_set', amount_value: 1000, payment_method: 'cash' });
    const stale = new Date(Date.now() + 121_000);
    await expect(updateFromUser(user, second.id, { status: 'payment_set', payment_coins: 10n * COIN, payment_value: 990 }, stale)).rejects.toMatchObject({ code: 'retail_price_expired' });
    // Reading the session quotes again; then the payment goes through at the new quote.
    const reread = await call('GET', `${BASE}/sessions/session?session_id=${second.id}`, me);
    expect(reread.body.coin_price.ts >= second.coin_price.ts).toBe(true);
    await byUser(me, second.id, { status: 'payment_set', payment_coins: (100n * COIN).toString(), payment_value: 900 });
    expect(await getBalance(accountIds.userCoins(user))).toBe(200n * COIN);

    expect(await sweepRetailSessions(new Date())).toBe(0); // not expired yet
    expect(await sweepRetailSessions(new Date(Date.now() + 1801_000))).toBeGreaterThanOrEqual(1);
    expect(await getBalance(accountIds.userCoins(user))).toBe(300n * COIN);
    const ended = await call('GET', `${BASE}/sessions/session?session_id=${second.id}`, me);
    expect(ended.body).toMatchObject({ status: 'terminate', status_side: 'system' });
  });
});

describe('who sees a session', () => {
  it('a terminal of another participant and another user see nothing; the user lists their active sessions', async () => {
    const store = await newStore();
    const other = await newStore();
    const { me, cardId } = await newShopper(store, 0n);
    const stranger = await ticket(newUser());
    const { body } = await init(store, await codeFor(me, cardId));
    const path = `${BASE}/sessions/session?session_id=${body.id}`;
    expect((await send('GET', path, terminal(store))).status).toBe(200);
    expect((await send('GET', path, terminal(other))).body.error_id).toBe('payments-retail_session_not_found');
    expect((await byTerminal(other, body.id, { status: 'terminate' })).body.error_id).toBe('payments-retail_session_not_found');
    expect((await call('GET', path, stranger)).body.error_id).toBe('payments-retail_session_not_found');
    // A device with an operator of another participant is refused outright.
    const mixed = await send('GET', path, { authenticateit_identity_ticket: other.operator, authenticateit_terminal_device: store.device });
    expect([mixed.status, mixed.body.error_id]).toEqual([403, 'payments-device_not_operator']);
    const listed = await call('GET', `${BASE}/sessions?card_id=${encodeURIComponent(cardId)}`, me);
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([body.id]);
    expect((await call('GET', `${BASE}/sessions?participant_id=${encodeURIComponent(other.participant)}`, me)).body).toEqual([]);
  });
});

describe('loyalty levels', () => {
  it('level info by participant, by code or by card; one of them is needed; an inactive program starts no session', async () => {
    const store = await newStore();
    const { user, me, cardId } = await newShopper(store, 0n);
    const code = await codeFor(me, cardId);
    const byCode = await call('GET', `${BASE}/code?code=${code}`, me);
    expect(byCode.body).toMatchObject({ participant_id: store.participant, user_id: user, id: `${user}@retail_connect@${store.participant}@level` });
    expect(byCode.body).not.toHaveProperty('code');
    const othersCode = await call('GET', `${BASE}/code?code=${code}`, await ticket(newUser()));
    expect([othersCode.status, othersCode.body.error_id]).toEqual([400, 'payments-retail_bad_code']);
    const none = await call('GET', `${BASE}/code`, me);
    expect([none.status, none.body.error_id]).toEqual([400, 'payments-retail_bad_level_request']);
    const notMine = await call('GET', `${BASE}/code?card_id=${encodeURIComponent(cardId)}`, await ticket(newUser()));
    expect([notMine.status, notMine.body.error_id]).toEqual([404, 'payments-retail_card_not_found']);
    await setProgram(store.participant, { ...PROGRAM, status: 'inactive' }, 'urn:authenticateit:user:system');
    const refused = await init(store, code);
    expect([refused.status, refused.body.error_id]).toEqual([409, 'payments-retail_program_inactive']);
  });

  it('two confirmed purchases make a regular: the third gets 25%', async () => {
    const store = await newStore();
    const { user, me, cardId } = await newShopper(store, 0n);
    const buy = async () => {
      const { body } = await init(store, await codeFor(me, cardId));
      await byTerminal(store, body.id, { status: 'amount_set', amount_value: 1000, payment_method: 'cash' });
      await byUser(me, body.id, { status: 'payment_set', payment_coins: '0', payment_value: 1000 });
      return (await byTerminal(store, body.id, { status: 'payment_confirm' })).body;
    };
    expect((await buy()).statuses.rebate_set.coins_rebate).toBe((150n * COIN).toString());
    expect((await buy()).statuses.rebate_set.coins_rebate).toBe((150n * COIN).toString());
    const info = (await call('GET', `${BASE}/code?participant_id=${encodeURIComponent(store.participant)}`, me)).body;
    expect(info).toMatchObject({ user_level: 'regular', user_level_next: 'vip', user_level_rebate_percents: 25, counters: { purchases_count: 2, spends: 2000 } });
    expect((await buy()).statuses.rebate_set.coins_rebate).toBe((250n * COIN).toString());
    expect(await getBalance(accountIds.userCoins(user))).toBe(550n * COIN);
  });
});
