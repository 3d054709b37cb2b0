/**
 * Paying for plans against the stack (Stripe emulator, DynamoDB, maildev): plan changes, the renewal job,
 * termination, payment history, receipts.
 */
import { describe, expect, it } from 'vitest';
import { billingAccount } from '../../lib/billing/accounts.js';
import { cardPayments, stripeClient, type CardPayments } from '../../lib/billing/card-payments.js';
import { changePlan, runRenewals } from '../../lib/billing/payments.js';
import { addDays, addMonth, dayOf } from '../../lib/billing/periods.js';
import { createPromoCode } from '../../lib/billing/promo-codes.js';
import { accountsRepo, promoCodesRepo, type BillingAccount } from '../../lib/billing/repository.js';
import { rewardsUsageItem } from '../../lib/billing/usage.js';
import { payReward } from '../../lib/coins/rewards.js';
import { resetConfig } from '../../lib/config/index.js';
import { accountIds } from '../../lib/db/keys.js';
import { transactWrite } from '../../lib/db/transact.js';
import { getBalance, postEntry } from '../../lib/ledger/index.js';
import { call, newParticipant, ticket } from '../fixtures/payments.js';
import { mailTo, uniq } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const emailUser = (name = uniq('billing')) => `urn:authenticateit:user:email:${name}@example.com`;
const emailOf = (user: string) => user.slice('urn:authenticateit:user:email:'.length);
const today = () => dayOf(new Date());

/** A participant and a ticket of an email user of it (whose email gets the notifications once it sets a card). */
async function newBillingParticipant() {
  const participant = newParticipant();
  const user = emailUser();
  return { participant, user, t: await ticket(user, { participant }) };
}
const plan = (t: string) => call('GET', '/payments-service/participants/current/billing_plan', t);
const change = (t: string, body: unknown) => call('PUT', '/payments-service/participants/current/billing_plan', t, body);
const history = (t: string) => call('GET', '/payments-service/participants/current/payment_history', t);
const terminate = (t: string, participant: string) => call('GET', `/participants/${encodeURIComponent(participant)}/contract/terminate`, t);

/** The charges made for the participant, oldest first (the emulator does not file charges under their customer: found by metadata). */
async function chargesOf(participant: string) {
  resetConfig();
  const all = await stripeClient().charges.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  return all.filter((c) => c.metadata.participant === participant).sort((a, b) => a.created - b.created);
}

/** Moves the account's dates (what time would have done), through the repository. */
async function rewrite(participant: string, changes: Partial<BillingAccount>) {
  return accountsRepo.replace({ ...(await billingAccount(participant)), ...changes });
}

/** Rewards coins used on `day` (what paying rewards that day records). */
const usedOn = (participant: string, day: string, coins: bigint) => transactWrite([rewardsUsageItem(participant, coins, day, new Date().toISOString())]);

describe('PUT /payments-service/participants/current/billing_plan', () => {
  it('buys a plan with a test card: charged once for a month, the plan and period set, the payment in history, a receipt mailed', async () => {
    const { participant, user, t } = await newBillingParticipant();
    const res = await change(t, { plan: 'lite', card: { nonce: 'tok_visa' } });
    expect(res.status).toBe(200);
    const from = today();
    const to = addMonth(from);
    expect(res.body).toMatchObject({
      card: { brand: 'Visa', last4: '4242' },
      contract: { from, terminate_available: false, terminated: false, to: addDays(from, 52 * 7) },
      paid_from: from,
      paid_to: to,
      plan: 'light',
      trial: { status: false },
      user_email: [emailOf(user)],
    });
    const charges = await chargesOf(participant);
    expect(charges.map((c) => [c.amount, c.currency, c.status])).toEqual([[19_500, 'usd', 'succeeded']]);

    const h = await history(t);
    expect(h.status).toBe(200);
    expect(h.body).toEqual([
      {
        card_barnd: 'Visa',
        card_exp_month: expect.any(Number),
        card_exp_year: expect.any(Number),
        card_last4: '4242',
        card_name: null,
        currency: 'usd',
        rows: [{ amount: '195.00', description: `Selected plan - "light". Paid period: from ${from} to ${to}` }],
        status: 'Payment successful',
        summary_amount: '195.00',
        ts: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      },
    ]);
    const receipt = await mailTo(emailOf(user), 'Payment receipt: 195.00 USD for the light plan');
    expect(receipt.text).toContain(`Selected plan - "light". Paid period: from ${from} to ${to}`);
    expect(receipt.text).toContain(charges[0]!.id);

    // The same plan again changes nothing and charges nothing.
    expect((await change(t, { plan: 'light' })).body.paid_to).toBe(to);
    expect(await chargesOf(participant)).toHaveLength(1);
  });

  it('card details are turned into a provider token: the card is saved with its holder, never its number', async () => {
    const { participant, t } = await newBillingParticipant();
    const res = await change(t, { plan: 'standard', card: { number: '5200828282828210', exp_month: 12, exp_year: 2030, name: 'JANE DOE', cvc: 323 } });
    expect(res.status).toBe(200);
    expect(res.body.plan).toBe('pro');
    expect(res.body.card).toMatchObject({ brand: 'MasterCard', last4: '8210', name: 'JANE DOE', exp_month: 12, exp_year: 2030 });
    expect(JSON.stringify(await accountsRepo.get(participant), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('5200828282828210');
    expect((await history(t)).body[0]).toMatchObject({ card_barnd: 'MasterCard', card_last4: '8210', card_name: 'JANE DOE', summary_amount: '395.00' });
  });

  it('a declined card leaves the plan unchanged and says why', async () => {
    const { participant, t } = await newBillingParticipant();
    const refused = await change(t, { plan: 'light', card: { nonce: 'tok_chargeDeclinedInsufficientFunds' } });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ error_id: 'payments-card_declined', error: 'The card has insufficient funds.', error_data: { decline_code: 'insufficient_funds' } });
    expect((await plan(t)).body).toMatchObject({ plan: 'complete', trial: { status: true }, paid_from: null, card: null });

    // A card that saves but is declined when charged: the payment is recorded failed, the plan still unchanged.
    const declined = await change(t, { plan: 'light', card: { nonce: 'tok_chargeCustomerFail' } });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ error_id: 'payments-card_declined', error_data: { decline_code: 'generic_decline' } });
    expect((await plan(t)).body).toMatchObject({ plan: 'complete', paid_from: null });
    expect((await billingAccount(participant)).pendingPayment).toBeUndefined();
    const [entry] = (await history(t)).body;
    expect(entry.status).toMatch(/^Payment failed: /);
    expect((await chargesOf(participant)).map((c) => c.status)).toEqual(['failed']);
  });

  it('20 concurrent plan changes charge once', async () => {
    const { participant, t } = await newBillingParticipant();
    expect((await call('PUT', '/payments-service/user/card/tok_visa', t)).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 20 }, () => change(t, { plan: 'pro' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses).toContain(200);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error_id).toBe('payments-payment_in_progress');
    expect((await plan(t)).body.plan).toBe('pro');
    expect((await chargesOf(participant)).map((c) => c.amount)).toEqual([39_500]);
    expect((await history(t)).body).toHaveLength(1);
  });

  it('an upgrade credits the unused part of the period; a downgrade inside the commitment is refused', async () => {
    const { participant, t } = await newBillingParticipant();
    expect((await change(t, { plan: 'light', card: { nonce: 'tok_visa' } })).status).toBe(200);
    // Ten days into a 30-day period, 12 rewards coins used so far.
    const from = addDays(today(), -10);
    await rewrite(participant, { paidFrom: from, paidTo: addDays(from, 30), contractFrom: from });
    await usedOn(participant, addDays(today(), -3), 12n * COIN);
    const up = await change(t, { plan: 'pro' });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ plan: 'pro', paid_from: today(), paid_to: addMonth(today()), contract: { from: today() } });
    // 395.00 + 12 coins × 0.1 - 195.00 × 20/30 days = 395.00 + 1.20 - 130.00
    const [latest] = (await history(t)).body;
    expect(latest.rows).toEqual([
      { amount: '395.00', description: `Selected plan - "pro". Paid period: from ${today()} to ${addMonth(today())}` },
      { amount: '1.20', description: `Used rewards coins. Paid period: from ${from} to ${today()}` },
      { amount: '-130.00', description: `Unused part of plan "light": from ${today()} to ${addDays(from, 30)}` },
    ]);
    expect(latest.summary_amount).toBe('266.20');
    expect((await chargesOf(participant)).map((c) => c.amount)).toEqual([19_500, 26_620]);

    const down = await change(t, { plan: 'light' });
    expect(down.status).toBe(409);
    expect(down.body).toMatchObject({ error_id: 'payments-commitment_period', error_data: { commitment_ends: addDays(today(), 52 * 7) } });
    expect((await plan(t)).body.plan).toBe('pro');
    expect(await chargesOf(participant)).toHaveLength(2);
  });

  it('after the commitment a downgrade is allowed; credit beyond the charge is carried to the next payment', async () => {
    const { participant, t } = await newBillingParticipant();
    expect((await change(t, { plan: 'pro-corp', card: { nonce: 'tok_visa' } })).status).toBe(200);
    const started = addDays(today(), -7 * 53);
    await rewrite(participant, { contractFrom: started, paidFrom: today(), paidTo: addDays(today(), 30) });
    const down = await change(t, { plan: 'basic' });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ plan: 'basic', paid_from: null, paid_to: null });
    const [entry] = (await history(t)).body;
    expect(entry.rows).toEqual([
      { amount: '-495.00', description: `Unused part of plan "pro-corp": from ${today()} to ${addDays(today(), 30)}` },
      { amount: '495.00', description: 'Credit carried to the next payment' },
    ]);
    expect(entry.summary_amount).toBe('0.00');
    expect((await billingAccount(participant)).creditMinor).toBe(49_500n);
    // The carried credit pays the next plan.
    const up = await change(t, { plan: 'light' });
    expect(up.status).toBe(200);
    const [next] = (await history(t)).body;
    expect(next.rows.map((r: { amount: string }) => r.amount)).toEqual(['195.00', '-495.00', '300.00']);
    expect((await billingAccount(participant)).creditMinor).toBe(30_000n);
    expect(await chargesOf(participant)).toHaveLength(1);
  });

  it('basic needs no card; every other plan does', async () => {
    const { t } = await newBillingParticipant();
    const refused = await change(t, { plan: 'light' });
    expect(refused.status).toBe(409);
    expect(refused.body.error_id).toBe('payments-card_required');
    const basic = await change(t, { plan: 'basic' });
    expect(basic.status).toBe(200);
    expect(basic.body).toMatchObject({ plan: 'basic', card: null, trial: { status: false } });
    expect((await change(t, { plan: 'gold' })).body.error_id).toBe('payments-unknown_plan');
    expect((await change(t, { plan: 'light', card: { number: '4242' } })).status).toBe(400);
  });

  it('a promo code extends the paid period by its days; a declined payment gives its use back', async () => {
    const { t } = await newBillingParticipant();
    const code = uniq('promo');
    await createPromoCode({ code, days: 60, uses: 5, expiresOn: addDays(today(), 10) });
    const declined = await change(t, { plan: 'light', card: { nonce: 'tok_chargeCustomerFail' }, promo_code: code });
    expect(declined.status).toBe(402);
    expect((await promoCodesRepo.get(code.toLowerCase()))!.usesLeft).toBe(5);

    const { t: t2 } = await newBillingParticipant();
    const res = await change(t2, { plan: 'light', card: { nonce: 'tok_visa' }, promo_code: code.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.paid_to).toBe(addDays(addMonth(today()), 60));
    expect((await promoCodesRepo.get(code.toLowerCase()))!.usesLeft).toBe(4);
    expect((await history(t2)).body[0].rows[1]).toEqual({ amount: '0.00', description: `Promo code "${code}": 60 days added to the paid period` });
    expect((await change(t2, { plan: 'pro', promo_code: code })).body.error_id).toBe('payments-promo_code_already_redeemed');
  });

  it('a crash after the charge is taken over without a second charge', async () => {
    const { participant, t } = await newBillingParticipant();
    expect((await call('PUT', '/payments-service/user/card/tok_visa', t)).status).toBe(200);
    const real = cardPayments();
    const crashing: CardPayments = {
      ...real,
      charge: async (request) => {
        await real.charge(request);
        throw new Error('the process died after the provider charged');
      },
    };
    const caller = { participant, user: emailUser(), system: false };
    await expect(changePlan(caller, { plan: 'light' }, crashing)).rejects.toThrow('the process died');
    expect((await billingAccount(participant)).pendingPayment).toBeDefined();
    expect((await change(t, { plan: 'pro' })).body.error_id).toBe('payments-payment_in_progress');
    expect(await chargesOf(participant)).toHaveLength(1);

    // The renewal job, once the payment is stale, finishes it: the same charge, the plan set.
    const run = await runRenewals(new Date(Date.now() + 61_000));
    expect(run.resumed).toBeGreaterThanOrEqual(1);
    expect((await plan(t)).body).toMatchObject({ plan: 'light', paid_from: today() });
    expect((await chargesOf(participant)).map((c) => c.amount)).toEqual([19_500]);
    expect((await history(t)).body.map((e: { status: string }) => e.status)).toEqual(['Payment successful']);
  });
});

describe('the renewal job', () => {
  /** A participant on pro whose paid period ends today, with 100 rewards coins used in it. */
  async function due() {
    const { participant, user, t } = await newBillingParticipant();
    expect((await change(t, { plan: 'pro', card: { nonce: 'tok_visa' } })).status).toBe(200);
    const from = addDays(today(), -31);
    await rewrite(participant, { paidFrom: from, paidTo: today() });
    await usedOn(participant, addDays(today(), -5), 100n * COIN);
    await usedOn(participant, today(), 7n * COIN); // today belongs to the next period
    return { participant, user, t, from };
  }

  it('charges the next period and the coins used in the one that ended, once however often it runs', async () => {
    const { participant, user, t, from } = await due();
    const first = await runRenewals();
    await runRenewals();
    expect(first.paid).toBeGreaterThanOrEqual(1);
    expect((await chargesOf(participant)).map((c) => c.amount)).toEqual([39_500, 41_500]);
    expect((await plan(t)).body).toMatchObject({ plan: 'pro', paid_from: today(), paid_to: addMonth(today()) });
    const [renewal] = (await history(t)).body;
    expect(renewal.rows).toEqual([
      { amount: '395.00', description: `Selected plan - "pro". Paid period: from ${today()} to ${addMonth(today())}` },
      { amount: '20.00', description: `Used rewards coins. Paid period: from ${from} to ${today()}` },
    ]);
    expect(renewal.summary_amount).toBe('415.00');
    await mailTo(emailOf(user), 'Payment receipt: 415.00 USD for the pro plan');
  });

  it('a declined renewal leaves the participant unpaid, mails why, and is never charged again for that period', async () => {
    const { participant, user, t } = await due();
    expect((await call('PUT', '/payments-service/user/card/tok_chargeCustomerFail', t)).status).toBe(200);
    const run = await runRenewals();
    expect(run.failed).toBeGreaterThanOrEqual(1);
    await runRenewals();
    const account = await billingAccount(participant);
    expect(account).toMatchObject({ unpaidSince: today(), paidTo: today(), plan: 'pro' });
    expect((await chargesOf(participant)).map((c) => c.status)).toEqual(['succeeded', 'failed']);
    const notice = await mailTo(emailOf(user), 'Payment failed: 415.00 USD for the pro plan');
    expect(notice.text).toContain('unpaid');
  });

  it('rewards paid from the deposit are the usage billed', async () => {
    const { participant } = await newBillingParticipant();
    await postEntry({ idempotencyKey: uniq('fund'), kind: 'test-deposit', postings: [{ account: accountIds.external('main'), amount: -50n * COIN, allowNegative: true }, { account: accountIds.userCoins(participant), amount: 50n * COIN }] });
    const user = `urn:authenticateit:user:${uniq('u')}`;
    const key = uniq('reward');
    expect(await payReward({ participant, user, coins: 30n * COIN, idempotencyKey: key })).toBe(true);
    expect(await payReward({ participant, user, coins: 30n * COIN, idempotencyKey: key })).toBe(false);
    expect(await getBalance(accountIds.userCoins(user))).toBe(30n * COIN);
    const { rewardsUsed } = await import('../../lib/billing/usage.js');
    expect(await rewardsUsed(participant, today(), addDays(today(), 1))).toBe(30n * COIN);
    await expect(payReward({ participant, user, coins: 30n * COIN, idempotencyKey: uniq('reward') })).rejects.toMatchObject({ code: 'insufficient_coins' });
  });
});

describe('GET /participants/{id}/contract/terminate', () => {
  it('on the trial: the participant is on basic at once; only the participant itself or the system role may', async () => {
    const { participant, t } = await newBillingParticipant();
    const other = await ticket(emailUser(), { participant: newParticipant() });
    const foreign = await terminate(other, participant);
    expect(foreign.body).toMatchObject({ error_id: 'payments-not_your_participant' });
    const res = await terminate(t, participant);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plan: 'basic', trial: { status: false }, contract: { terminated: true, terminate_available: false } });
    expect((await terminate(t, participant)).body.error_id).toBe('payments-terminate_unavailable');
    const { participant: p2 } = await newBillingParticipant();
    const system = await ticket('urn:authenticateit:user:operator', { roles: ['system'] });
    expect((await terminate(system, p2)).status).toBe(200);
  });

  it('a paid plan: refused inside the commitment; after it, the plan runs to the end of its period, then basic with the used coins charged', async () => {
    const { participant, t } = await newBillingParticipant();
    expect((await change(t, { plan: 'light', card: { nonce: 'tok_visa' } })).status).toBe(200);
    const refused = await terminate(t, participant);
    expect(refused.status).toBe(409);
    expect(refused.body.error_data).toEqual({ commitment_ends: addDays(today(), 52 * 7) });
    expect((await plan(t)).body.contract.terminate_available).toBe(false);

    const from = addDays(today(), -30);
    await rewrite(participant, { contractFrom: addDays(today(), -7 * 60), paidFrom: from, paidTo: addDays(today(), 1) });
    expect((await plan(t)).body.contract.terminate_available).toBe(true);
    const res = await terminate(t, participant);
    expect(res.body).toMatchObject({ plan: 'light', contract: { terminated: true, to: addDays(today(), 1) } });
    await usedOn(participant, addDays(today(), -2), 50n * COIN);

    await runRenewals(); // not due yet
    expect((await plan(t)).body.plan).toBe('light');
    await runRenewals(new Date(Date.now() + 86_400_000));
    expect((await plan(t)).body).toMatchObject({ plan: 'basic', contract: { terminated: true } });
    expect((await chargesOf(participant)).map((c) => c.amount)).toEqual([19_500, 500]);
    expect((await history(t)).body[0].rows).toEqual([{ amount: '5.00', description: `Used rewards coins. Paid period: from ${from} to ${addDays(today(), 1)}` }]);
  });
});

describe('GET /payments-service/participants/current/payment_history', () => {
  it("a participant reads its own payments and card, never another's", async () => {
    const { t } = await newBillingParticipant();
    expect((await change(t, { plan: 'light', card: { nonce: 'tok_visa' } })).status).toBe(200);
    const { t: t2 } = await newBillingParticipant();
    expect((await history(t2)).body).toEqual([]);
    expect((await plan(t2)).body).toMatchObject({ card: null, plan: 'complete' });
    expect((await history(t)).body).toHaveLength(1);
    expect((await plan(t)).body.card).toMatchObject({ last4: '4242' });
  });
});
