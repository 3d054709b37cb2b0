/**
 * Coin top-ups against the stack: min_amount, settings, manual top-ups charged at the Stripe emulator and sent
 * on chain to the participant's deposit address, declines, refunds of failed chain transfers, crashes between
 * the steps, and the scheduled job's automatic top-ups.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCard } from '../../lib/billing/account-card.js';
import { billingAccount } from '../../lib/billing/accounts.js';
import { stripeClient } from '../../lib/billing/card-payments.js';
import { depositAddress, scanDeposits } from '../../lib/coins/deposits.js';
import { resetConfig } from '../../lib/config/index.js';
import { transactWrite } from '../../lib/db/transact.js';
import { accountIds } from '../../lib/db/keys.js';
import { entryItems, getBalance, postEntry } from '../../lib/ledger/index.js';
import { payoutsRepo } from '../../lib/payouts/repository.js';
import { setRates } from '../../lib/rates/index.js';
import { sha256Base64 } from '../../lib/security/secrets.js';
import { checkTopUp, manualTopUp, runTopUpJob } from '../../lib/topups/chain.js';
import { deleteTopUpSettings, setParticipantCurrency, setTopUpSettings } from '../../lib/topups/index.js';
import { payReward } from '../../lib/coins/rewards.js';
import { topUpsRepo } from '../../lib/topups/repository.js';
import { call, newParticipant, newUser, ticket } from '../fixtures/payments.js';
import { isolateFromStackWorkers, onChainBalance, stack, uniq, waitFor } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const uuidOf = (id: string) => id.split(':').pop()!;
const payoutUnit = (uuid: string) => sha256Base64(`topup|${uuid}`);
const errorOf = (status: number, id: string) => ({ status, body: expect.objectContaining({ error_id: id, error: expect.any(String) }) });

/** 100 coins at 0.05123 aud = 5.123 aud: 513 cents, rounded up. */
const AUD_PRICE = '0.05123';
const MIN_CENTS = 513;

async function participantWithCard(token = 'tok_visa') {
  const participant = newParticipant();
  const t = await ticket(newUser(), { participant });
  const saved = await call('PUT', `/payments-service/user/card/${token}`, t);
  expect(saved.status).toBe(200);
  return { participant, t };
}

/** The charges at the emulator of the participant's customer (the emulator does not filter lists by customer). */
async function stripeCharges(participant: string) {
  resetConfig();
  const customer = (await billingAccount(participant)).stripeCustomerId!;
  const charges = [];
  for await (const c of stripeClient().charges.list({ limit: 100 })) if ((c.source as { customer?: string } | null)?.customer === customer) charges.push(c);
  return charges;
}

/** Coins in the participant's deposit account, so the automatic top-up (threshold 0) is not due. */
async function creditDeposit(participant: string, amount: bigint) {
  await postEntry({
    idempotencyKey: uniq('topup-test-credit'),
    kind: 'test',
    postings: [
      { account: accountIds.external('main'), amount: -amount, allowNegative: true },
      { account: accountIds.userCoins(participant), amount },
    ],
  });
}

/** A raw request (the contract check around fetch would count the trailing-slash spelling as an unknown route). */
function rawGet(path: string, t: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(stack().apiUrl + path, { method: 'GET', headers: { authenticateit_identity_ticket: t } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // No SGD price: other files rely on sgd having none (coin prices are shared by the whole stack).
  await setRates({ AUD: AUD_PRICE, USD: '0.04' });
});

describe('GET /participants/topup/min_amount', () => {
  it('is the minimum coins at the admin-set price in cents, rounded up; refused without a card or with an unsold currency', async () => {
    const { participant, t } = await participantWithCard();
    const min = await call('GET', '/participants/topup/min_amount', t);
    expect(min).toEqual({ status: 200, body: { amount: MIN_CENTS, coins: '100000000000000000000', currency: 'aud' } });
    expect(Object.keys(min.body)).toEqual(['amount', 'coins', 'currency']);

    // The operator's currency for this participant: 100 coins at 0.04 usd = exactly 400 cents.
    await setParticipantCurrency(participant, 'USD');
    expect((await call('GET', '/participants/topup/min_amount', t)).body).toEqual({ amount: 400, coins: '100000000000000000000', currency: 'usd' });
    await setParticipantCurrency(participant, 'eur');
    expect(await call('GET', '/participants/topup/min_amount', t)).toEqual(errorOf(422, 'payments-topup_currency_unsupported'));

    const noCard = await ticket(newUser(), { participant: newParticipant() });
    expect(await call('GET', '/participants/topup/min_amount', noCard)).toEqual(errorOf(409, 'payments-card_required'));
    expect((await call('GET', '/participants/topup/min_amount', await ticket(newUser()))).status).toBe(403);
  });
});

describe('top-up settings', () => {
  it('are validated as the service documents them', async () => {
    const { t } = await participantWithCard();
    const valid = { amount: 600, coins_threshold: '0', frequency: 'daily', status: 'inactive' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, frequency: 'hourly' }, 'payments-bad_frequency'],
      [{ ...valid, amount: -1 }, 'payments-bad_amount'],
      [{ ...valid, amount: 600.5 }, 'payments-bad_amount'],
      [{ ...valid, amount: '600' }, 'payments-bad_amount'],
      [{ ...valid, amount: MIN_CENTS - 1 }, 'payments-bad_amount'],
      [{ ...valid, amount: undefined }, 'payments-bad_amount'],
      [{ ...valid, coins_threshold: undefined }, 'payments-bad_coins_threshold'],
      [{ ...valid, coins_threshold: '-5' }, 'payments-bad_coins_threshold'],
      [{ ...valid, status: 'paused' }, 'payments-bad_status'],
      [{ ...valid, minimal_amount: 'yes' }, 'payments-bad_minimal_amount'],
    ];
    for (const [body, id] of cases) expect(await call('POST', '/participants/topup', t, body), JSON.stringify(body)).toEqual(errorOf(400, id));
    const below = await call('POST', '/participants/topup', t, { ...valid, amount: MIN_CENTS - 1 });
    expect(below.body.error_data).toEqual({ min_amount: MIN_CENTS });
    expect((await call('GET', '/participants/topup', t)).status).toBe(404);
    expect(await call('POST', '/participants/topup', (await ticket(newUser(), { participant: newParticipant() })), valid)).toEqual(errorOf(409, 'payments-card_required'));
  });

  it('round trip: set, read, minimal_amount, delete; each participant only ever sees its own', async () => {
    const { participant, t } = await participantWithCard();
    await creditDeposit(participant, COIN); // above the threshold: the stack's own job run starts nothing
    const set = await call('POST', '/participants/topup', t, { amount: MIN_CENTS, coins_threshold: '0', frequency: 'weekly' });
    expect(set).toEqual({ status: 200, body: { amount: MIN_CENTS, coins_threshold: '0', currency: 'aud', frequency: 'weekly', minimal_amount: false, status: 'active' } });
    expect(Object.keys(set.body)).toEqual(['amount', 'coins_threshold', 'currency', 'frequency', 'minimal_amount', 'status']);
    expect(await call('GET', '/participants/topup', t)).toEqual(set);
    // The seed writes these paths with a trailing slash: the local stack serves that spelling too.
    expect(await rawGet('/participants/topup/', t)).toEqual(set);

    const minimal = await call('POST', '/participants/topup', t, { minimal_amount: true, amount: 50, coins_threshold: '10000000000000000000000', frequency: 'daily', status: 'inactive' });
    expect(minimal.body).toEqual({ amount: 0, coins_threshold: '10000000000000000000000', currency: 'aud', frequency: 'daily', minimal_amount: true, status: 'inactive' });

    const other = await ticket(newUser(), { participant: newParticipant() });
    expect(await call('GET', '/participants/topup', other)).toEqual(errorOf(404, 'payments-topup_settings_not_found'));
    expect(await call('DELETE', '/participants/topup', other)).toEqual(errorOf(404, 'payments-topup_settings_not_found'));
    expect((await call('GET', '/participants/topup', t)).body).toEqual(minimal.body);

    expect(await call('DELETE', '/participants/topup', t)).toEqual({ status: 200, body: minimal.body });
    expect(await call('GET', '/participants/topup', t)).toEqual(errorOf(404, 'payments-topup_settings_not_found'));
  });
});

describe('POST /participants/topup/manual', () => {
  it('charges the card, sends the coins to the deposit address, the deposit is credited once, history v2 shows the chain', async () => {
    const { participant, t } = await participantWithCard();
    const res = await call('POST', '/participants/topup/manual', t, { amount: 1000 });
    expect(res.status).toBe(200);
    const id = res.body.id as string;
    expect(id).toMatch(/^urn:authenticateit:transaction_request:[0-9a-f-]{36}$/);
    // 10 aud at 0.05123 aud per coin, floored to the wei.
    const coins = (1000n * 100000n * COIN) / (100n * 5123n);
    const [charge] = await stripeCharges(participant);
    expect(charge).toMatchObject({ amount: 1000, currency: 'aud', status: 'succeeded', metadata: { topup: id, participant } });
    expect(res.body).toMatchObject({ amount: 10, id, status: expect.stringMatching(/^(pending|success)$/), ts: expect.stringMatching(SECOND) });
    expect(res.body.history.at(-1)).toEqual({ amount: 1000, charge_id: charge!.id, currency: 'aud', hash: null, id, status: 'success', sub_type: 'charge', ts: expect.stringMatching(SECOND), type: 'topup' });

    const { address } = await depositAddress(participant);
    const unit = payoutUnit(uuidOf(id));
    expect(await payoutsRepo.get(unit)).toMatchObject({ destination: address, amount: coins, account: accountIds.topupHold(uuidOf(id)), refundAccount: accountIds.topupSales(), source: `topup:${uuidOf(id)}` });
    // The stack's outbox queues the payout and its chain worker sends it.
    const paid = await waitFor('the top-up payout confirmed', async () => ((await payoutsRepo.get(unit))?.status === 'CONFIRMED' ? (await payoutsRepo.get(unit))! : undefined), 60_000);
    expect(await onChainBalance(address)).toBe(coins);

    await scanDeposits();
    await waitFor('the deposit credited', async () => (await getBalance(accountIds.userCoins(participant))) === coins);
    await scanDeposits();
    await runTopUpJob();
    expect(await getBalance(accountIds.userCoins(participant))).toBe(coins); // the top-up itself credits nothing
    expect(await getBalance(accountIds.topupHold(uuidOf(id)))).toBe(0n);

    const history = await call('GET', '/participants/topup/history?format=v2', t);
    expect(history.status).toBe(200);
    expect(history.body).toEqual([
      {
        amount: 10,
        history: [
          { amount: 1000, charge_id: charge!.id, coins: coins.toString(), currency: 'aud', hash: paid.txHash, id, status: 'success', sub_type: 'topup', ts: expect.stringMatching(SECOND), type: 'topup' },
          { amount: 1000, charge_id: charge!.id, currency: 'aud', hash: null, id, status: 'success', sub_type: 'charge', ts: expect.stringMatching(SECOND), type: 'topup' },
        ],
        id,
        status: 'success',
        ts: expect.stringMatching(SECOND),
      },
    ]);
    expect((await topUpsRepo.get(uuidOf(id)))!.state).toBe('success');
    expect((await stripeCharges(participant)).length).toBe(1);

    // Another participant sees only its own: no history, no settings.
    const other = await ticket(newUser(), { participant: newParticipant() });
    expect(await call('GET', '/participants/topup/history?format=v2', other)).toEqual({ status: 200, body: [] });
    expect((await call('GET', '/participants/topup', other)).status).toBe(404);
    expect(await call('GET', '/participants/topup/history?format=v1', t)).toEqual(errorOf(400, 'payments-bad_format'));
    expect(await call('GET', '/participants/topup/history', t)).toEqual(errorOf(400, 'payments-bad_format'));
  });

  it('a major-unit amount is the exact decimal (510 cents -> 5.1); the same Idempotency-Key answers the same chain, another amount is a 409', async () => {
    const { participant, t } = await participantWithCard();
    await setParticipantCurrency(participant, 'usd'); // minimum 400 cents
    const post = (amount: number, key?: string) =>
      fetch(stack().apiUrl + '/participants/topup/manual', {
        method: 'POST',
        headers: { authenticateit_identity_ticket: t, 'content-type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
        body: JSON.stringify({ amount }),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const key = uniq('manual');
    const first = await post(510, key);
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/^\{"amount":5\.1,"history":/);
    const again = await post(510, key);
    expect(JSON.parse(again.text).id).toBe(JSON.parse(first.text).id);
    expect((await stripeCharges(participant)).length).toBe(1);
    expect(JSON.parse((await post(600, key)).text).error_id).toBe('payments-idempotency_key_reused');
    expect(JSON.parse((await post(399)).text)).toMatchObject({ error_id: 'payments-bad_amount', error_data: { min_amount: 400 } });
  });

  it('a declined card: a failure chain with the decline as reason, nothing sent', async () => {
    // Attaches fine, declines every charge.
    const { participant, t } = await participantWithCard('tok_chargeCustomerFail');
    const res = await call('POST', '/participants/topup/manual', t, { amount: 2000 });
    expect(res.status).toBe(200);
    const id = res.body.id as string;
    expect(res.body).toEqual({
      amount: 20,
      history: [{ amount: 2000, charge_id: expect.any(String), currency: 'aud', hash: null, id, reason: expect.stringMatching(/^The card was declined\. \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/), status: 'failure', sub_type: 'charge', ts: expect.stringMatching(SECOND), type: 'topup' }],
      id,
      status: 'failure',
      ts: expect.stringMatching(SECOND),
    });
    expect((await stripeCharges(participant)).map((c) => c.status)).toEqual(['failed']);
    expect(await payoutsRepo.get(payoutUnit(uuidOf(id)))).toBeUndefined();
    await runTopUpJob();
    expect((await topUpsRepo.get(uuidOf(id)))!.state).toBe('charge_failed');
    expect(await payoutsRepo.get(payoutUnit(uuidOf(id)))).toBeUndefined();
    expect(await getBalance(accountIds.topupHold(uuidOf(id)))).toBe(0n);
    expect((await call('GET', '/participants/topup/history?format=v2', t)).body).toEqual([res.body]);
  });
});

/** The rest runs on a table of its own, which the stack's workers (outbox, chain, scheduled job) never see. */
describe('chains driven by the job alone', () => {
  let restore: () => void;
  beforeAll(async () => {
    restore = await isolateFromStackWorkers();
    await setRates({ AUD: AUD_PRICE });
  });
  afterAll(() => restore?.());

  async function cardHolder() {
    const participant = newParticipant();
    await setCard({ participant, user: newUser(), system: false }, { token: 'tok_visa' });
    return participant;
  }

  /** What the chain engine does with a transfer the token refuses: FAILED, the hold back to the refund account. */
  async function failPayout(unit: string) {
    const p = (await payoutsRepo.get(unit))!;
    await transactWrite([
      payoutsRepo.transitionItem(p, ['PENDING'], 'FAILED', { txHash: `0x${'ab'.repeat(32)}`, error: 'transfer refused on chain' }),
      ...entryItems({ idempotencyKey: `chain-refund:${unit}`, kind: 'chain-refund', postings: [{ account: p.account, amount: -p.amount }, { account: p.refundAccount!, amount: p.amount }] }),
    ]);
  }

  it('a chain transfer that fails is refunded exactly once; the sales and hold accounts net to zero', async () => {
    const participant = await cardHolder();
    const salesBefore = await getBalance(accountIds.topupSales());
    const chain = await manualTopUp(participant, { amount: 700 });
    const uuid = uuidOf(chain.id);
    expect(chain.status).toBe('pending');
    expect(await getBalance(accountIds.topupSales())).toBe(salesBefore - (await topUpsRepo.get(uuid))!.coins);
    await failPayout(payoutUnit(uuid));

    await runTopUpJob();
    await runTopUpJob();
    const [charge] = await stripeCharges(participant);
    expect(charge!.amount_refunded).toBe(700);
    expect(charge!.refunds!.data.length).toBe(1);
    expect(await getBalance(accountIds.topupHold(uuid))).toBe(0n);
    expect(await getBalance(accountIds.topupSales())).toBe(salesBefore);
    const t = (await topUpsRepo.get(uuid))!;
    expect(t).toMatchObject({ state: 'refunded', refundId: charge!.refunds!.data[0]!.id });
    expect(await topUpsRepo.listOpen()).not.toContain(uuid);

    const history = JSON.parse(JSON.stringify((await (await import('../../lib/topups/index.js')).topUpHistory(participant, 10))));
    expect(history).toHaveLength(1);
    expect(history[0].status).toBe('failure');
    expect(history[0].history.map((s: any) => [s.sub_type, s.status])).toEqual([['refund', 'success'], ['topup', 'failure'], ['charge', 'success']]);
    expect(history[0].history[1]).toMatchObject({ hash: `0x${'ab'.repeat(32)}`, reason: expect.stringMatching(/^The coins could not be sent on chain\. /) });
  });

  it('a worker killed after the charge, before recording it, resumes on the next run without a second charge', async () => {
    const participant = await cardHolder();
    const crash = new Error('killed after the charge');
    await expect(manualTopUp(participant, { amount: 800 }, undefined, { hooks: { afterCharge: () => { throw crash; } } })).rejects.toBe(crash);
    const [open] = (await topUpsRepo.listByParticipant(participant, 10));
    expect(open).toMatchObject({ state: 'charging' });
    expect(open!.chargeId).toBeUndefined();
    expect(await stripeCharges(participant)).toHaveLength(1);

    await runTopUpJob();
    const charges = await stripeCharges(participant);
    expect(charges).toHaveLength(1);
    const resumed = (await topUpsRepo.get(open!.uuid))!;
    expect(resumed).toMatchObject({ state: 'topping_up', chargeId: charges[0]!.id });
    expect(await payoutsRepo.get(payoutUnit(open!.uuid))).toMatchObject({ status: 'PENDING', amount: resumed.coins });
  });

  it('a worker killed after recording the charge, before the payout transaction, resumes with one payout and one charge', async () => {
    const participant = await cardHolder();
    const crash = new Error('killed before the payout');
    await expect(manualTopUp(participant, { amount: 900 }, undefined, { hooks: { afterChargeRecorded: () => { throw crash; } } })).rejects.toBe(crash);
    const [open] = await topUpsRepo.listByParticipant(participant, 10);
    expect(open).toMatchObject({ state: 'charged' });
    expect(await payoutsRepo.get(payoutUnit(open!.uuid))).toBeUndefined();

    await runTopUpJob();
    await runTopUpJob();
    expect(await stripeCharges(participant)).toHaveLength(1);
    expect((await topUpsRepo.get(open!.uuid))!.state).toBe('topping_up');
    expect(await payoutsRepo.get(payoutUnit(open!.uuid))).toMatchObject({ status: 'PENDING', destination: (await depositAddress(participant)).address });
    expect(await getBalance(accountIds.topupHold(open!.uuid))).toBe(open!.coins);
  });

  it("a deposit change starts the participant's automatic top-up when it is due, once per window", async () => {
    const participant = await cardHolder();
    await creditDeposit(participant, 500n * COIN);
    await setTopUpSettings(participant, { amount: 600, coins_threshold: 400n * COIN, frequency: 'daily', status: 'active' });
    expect(await checkTopUp(participant)).toBe(false); // 500 coins: above the threshold
    await payReward({ participant, user: newUser(), coins: 150n * COIN, idempotencyKey: uniq('reward') });
    expect(await checkTopUp(participant)).toBe(true); // 350 coins
    expect(await checkTopUp(participant)).toBe(false); // the day's top-up has started
    expect((await topUpsRepo.listByParticipant(participant, 10)).map((c) => [c.origin, c.amount])).toEqual([['auto', 600n]]);
    const other = await cardHolder();
    await setTopUpSettings(other, { amount: 600, coins_threshold: 400n * COIN, frequency: 'daily', status: 'inactive' });
    expect(await checkTopUp(other)).toBe(false);
    await deleteTopUpSettings(participant); // the job runs below count every active setting of this table
  });

  it('the job started twice in one frequency window starts one chain; inactive settings or coins above the threshold start none', async () => {
    const due = await cardHolder();
    await setTopUpSettings(due, { amount: 600, coins_threshold: 0n, frequency: 'daily', status: 'active' });
    const inactive = await cardHolder();
    await setTopUpSettings(inactive, { amount: 600, coins_threshold: 10n ** 24n, frequency: 'daily', status: 'inactive' });
    const aboveThreshold = await cardHolder();
    await setTopUpSettings(aboveThreshold, { minimal_amount: true, coins_threshold: COIN, frequency: 'daily', status: 'active' });
    await creditDeposit(aboveThreshold, COIN + 1n);

    const now = new Date();
    // Two runs at once (two scheduled invocations overlapping), then one an hour later.
    const concurrent = await Promise.all([runTopUpJob(now), runTopUpJob(now)]);
    const later = await runTopUpJob(new Date(now.getTime() + 3600_000));
    expect(concurrent.map((r) => r.started).sort()).toEqual([0, 1]);
    expect(later.started).toBe(0);
    const chains = await topUpsRepo.listByParticipant(due, 10);
    expect(chains).toHaveLength(1);
    expect(chains[0]).toMatchObject({ origin: 'auto', amount: 600n, state: 'topping_up' });
    expect(await stripeCharges(due)).toHaveLength(1);
    expect(await topUpsRepo.listByParticipant(inactive, 10)).toEqual([]);
    expect(await topUpsRepo.listByParticipant(aboveThreshold, 10)).toEqual([]);

    // A day later the window allows the next one.
    expect((await runTopUpJob(new Date(now.getTime() + 86_400_000 + 60_000))).started).toBe(1);
    expect(await topUpsRepo.listByParticipant(due, 10)).toHaveLength(2);
  });
});
