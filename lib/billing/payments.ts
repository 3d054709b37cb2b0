/**
 * Paying for plans: a plan change (`PUT .../current/billing_plan`) and the renewal job both make one payment at
 * a time per participant, in three steps that survive a crash between any two:
 *   1. start: the payment (`charging`, its rows and amount fixed) and the account's `pendingPayment` in ONE
 *      transaction, conditional on the account's version: no second payment starts while one is in flight;
 *   2. charge the saved card with an idempotency key from the payment's key: repeating the step (a retry, a
 *      takeover after a crash) gives the same charge, never a second one;
 *   3. settle: the payment `paid` or `failed` and the account (new plan and period, or unchanged and the
 *      payment cleared) in ONE transaction.
 * A payment left `charging` longer than BILLING_PAYMENT_STALE_SECONDS is taken over (steps 2-3 again) by the
 * participant's next plan change or by the renewal job. Period and amount rules: periods.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { plansConfig } from '../config/index.js';
import { ContentionError } from '../db/errors.js';
import { DomainError } from '../errors.js';
import { transactWrite } from '../db/transact.js';
import { log } from '../log/index.js';
import { billingAccount, billingPlanView, onTrial, type BillingCaller } from './accounts.js';
import { cardFailure, setCard } from './account-card.js';
import { CardPaymentError, cardPayments, type CardInput, type CardPayments, type CardRefusal } from './card-payments.js';
import { fail } from './failures.js';
import { addDays, addMonth, commitmentEnd, dayOf, quote, unusedCredit } from './periods.js';
import { currentPlansDocument, findPlan, planMoney, requirePlan, type Fraction } from './plans.js';
import { checkPromoCode, promoKey, redeemPromoCode } from './promo-codes.js';
import { AccountChangedError, accountsRepo, FREE_PLAN, isPaidPlan, PaymentChangedError, paymentsRepo, promoCodesRepo, paymentCardOf, type BillingAccount, type BillingPayment } from './repository.js';
import type { BillingPlanView } from './schema.js';
import type { PlanChangeBody, PlansDocument } from './schema.js';
import { rewardsUsed } from './usage.js';

const ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const staleMs = () => Number(plansConfig().BILLING_PAYMENT_STALE_SECONDS) * 1000;
const later = (a: string, b: string) => (a > b ? a : b);

/** The provider's idempotency key of a payment's charge: one charge per participant and payment, however often asked. */
const chargeKey = (p: BillingPayment) => `billing-${createHash('sha256').update(`${p.participant}\n${p.key}`).digest('hex')}`;

export interface PlanChangeInput {
  plan: string;
  card?: CardInput;
  promo_code?: string;
}

/** The request as the domain takes it: a `nonce` is a provider token; card details go to the provider as they are. */
export function planChangeInput(body: PlanChangeBody): PlanChangeInput {
  const card = body.card;
  return {
    plan: body.plan,
    ...(card ? { card: 'nonce' in card ? { token: card.nonce } : { card: { number: card.number, exp_month: card.exp_month, exp_year: card.exp_year, ...(card.cvc !== undefined ? { cvc: String(card.cvc) } : {}), ...(card.name ? { name: card.name } : {}) } } } : {}),
    ...(body.promo_code ? { promo_code: body.promo_code } : {}),
  };
}

/** What a plan of the document costs and charges per coin; a plan the operator has since removed costs what was paid. */
function moneyOf(doc: PlansDocument, plan: string | undefined, fallbackCost = 0n): { costMinor: bigint; coinRate: Fraction } {
  const found = plan ? findPlan(doc, plan) : undefined;
  return found ? planMoney(found) : { costMinor: fallbackCost, coinRate: { num: 0n, den: 1n } };
}

/** What the participant pays for now: the current paid plan's cost, 0 on the trial, the free plan or unpaid. */
function currentCost(account: BillingAccount, doc: PlansDocument, now: Date): bigint {
  if (onTrial(account, now) || !isPaidPlan(account.plan) || account.unpaidSince) return 0n;
  return moneyOf(doc, account.plan, account.periodCostMinor).costMinor;
}

/** The coins used since the paid period began, billed at its plan's rate (nothing for the free plan or the trial). */
async function usageSince(account: BillingAccount, doc: PlansDocument, to: string) {
  if (!isPaidPlan(account.plan) || !account.paidFrom) return undefined;
  return { coins: await rewardsUsed(account.participant, account.paidFrom, to), rate: moneyOf(doc, account.plan).coinRate, from: account.paidFrom, to };
}

const cardOf = (account: BillingAccount) => (account.card ? paymentCardOf(account.card) : undefined);

/** The payment of a change to `planId` (validated: a downgrade only after the commitment, a card for a paid plan). */
async function changePayment(account: BillingAccount, doc: PlansDocument, planId: string, key: string, caller: BillingCaller, promo: { code: string; days: number } | undefined, now: Date): Promise<BillingPayment> {
  const plan = requirePlan(doc, planId);
  const money = planMoney(plan);
  const today = dayOf(now);
  if (money.costMinor < currentCost(account, doc, now) && account.contractFrom) {
    const ends = commitmentEnd(account.contractFrom, account.commitmentWeeks ?? 0);
    if (today < ends) throw fail('commitment_period', `the ${account.plan} plan can only be downgraded after its commitment period, from ${ends}`, { commitment_ends: ends });
  }
  const paid = isPaidPlan(plan.id);
  if (paid && !account.card) throw fail('card_required', `the ${plan.id} plan is paid from a card: give one (card.nonce, a card token, or card details)`, { plan: plan.id });
  const periodTo = addDays(addMonth(today), promo?.days ?? 0);
  const cutShort = isPaidPlan(account.plan) && account.paidFrom && account.paidTo && !account.unpaidSince && today < account.paidTo;
  const q = quote({
    ...(paid ? { plan: { id: plan.id, costMinor: money.costMinor, periodFrom: today, periodTo } } : {}),
    ...(promo && paid ? { promo } : {}),
    usage: await usageSince(account, doc, today),
    ...(cutShort ? { unused: { plan: account.plan!, creditMinor: unusedCredit(account.periodCostMinor ?? 0n, account.paidFrom!, account.paidTo!, today), from: today, to: account.paidTo! } } : {}),
    carriedMinor: account.creditMinor ?? 0n,
  });
  const at = now.toISOString();
  return {
    participant: account.participant,
    key,
    kind: 'change',
    status: 'charging',
    plan: plan.id,
    ...(paid ? { periodFrom: today, periodTo } : {}),
    currency: plansConfig().BILLING_CURRENCY,
    rows: q.rows,
    amountMinor: q.amountMinor,
    creditLeftMinor: q.creditLeftMinor,
    planCostMinor: money.costMinor,
    commitmentWeeks: plan.commitment_period,
    ...(promo && paid ? { promoCode: promo.code, promoDays: promo.days } : {}),
    ...(account.card ? { card: cardOf(account) } : {}),
    requestedBy: caller.user,
    createdAt: at,
    updatedAt: at,
  };
}

/** The account once a change is paid: the new plan, its contract and period (the free plan has no period). */
function afterChange(a: BillingAccount, p: BillingPayment): BillingAccount {
  const { pendingPayment: _p, unpaidSince: _u, paidFrom: _f, paidTo: _t, contractTo: _c, periodCostMinor: _pc, ...rest } = a;
  const from = dayOf(new Date(p.createdAt));
  const ends = commitmentEnd(from, p.commitmentWeeks);
  return {
    ...rest,
    plan: p.plan,
    contractFrom: from,
    commitmentWeeks: p.commitmentWeeks,
    terminated: false,
    creditMinor: p.creditLeftMinor,
    activatedBy: a.activatedBy ?? p.requestedBy,
    ...(p.periodFrom && p.periodTo ? { paidFrom: p.periodFrom, paidTo: p.periodTo, periodCostMinor: p.planCostMinor, contractTo: later(ends, p.periodTo) } : {}),
  };
}

/** The account once a renewal is paid: the next period, or at a terminated contract's end the free plan. */
function afterRenewal(a: BillingAccount, p: BillingPayment): BillingAccount {
  const { pendingPayment: _p, ...rest } = a;
  if (!p.periodFrom || !p.periodTo) {
    const { paidFrom: _f, paidTo: _t, periodCostMinor: _c, ...ended } = rest;
    return { ...ended, plan: FREE_PLAN, creditMinor: p.creditLeftMinor };
  }
  return { ...rest, paidFrom: p.periodFrom, paidTo: p.periodTo, periodCostMinor: p.planCostMinor, creditMinor: p.creditLeftMinor, contractTo: later(a.contractTo ?? p.periodTo, p.periodTo) };
}

/** How a payment ends; a failed one gives back the promo code use it took, if it took one. */
type Outcome = { status: 'paid'; chargeId?: string } | { status: 'failed'; refusal: CardRefusal | { code: 'refused'; message: string }; promoTaken: boolean };

/** Step 2: the charge (nothing to charge is paid at once). An unknown outcome throws and leaves the payment in flight. */
async function charge(p: BillingPayment, payments: CardPayments): Promise<Outcome> {
  if (p.amountMinor === 0n) return { status: 'paid' };
  const account = await accountsRepo.get(p.participant);
  if (!p.card || !account?.stripeCustomerId) return { status: 'failed', refusal: { code: 'refused', message: 'There is no card to charge.' }, promoTaken: !!p.promoCode };
  let result;
  try {
    result = await payments.charge({
      customerId: account.stripeCustomerId,
      cardId: p.card.id,
      amount: p.amountMinor,
      currency: p.currency,
      description: p.periodFrom ? `Plan ${p.plan}, ${p.periodFrom} to ${p.periodTo}` : `Plan ${p.plan}: used rewards coins`,
      idempotencyKey: chargeKey(p),
      metadata: { participant: p.participant, payment: p.key },
    });
  } catch (err) {
    if (err instanceof CardPaymentError && err.failure.code !== 'provider_unavailable') return { status: 'failed', refusal: err.failure, promoTaken: !!p.promoCode };
    if (err instanceof CardPaymentError) throw cardFailure(err.failure);
    throw err;
  }
  if (result.status === 'succeeded') return { status: 'paid', chargeId: result.id! };
  if (result.status === 'failed') return { status: 'failed', refusal: result.failure!, promoTaken: !!p.promoCode };
  throw fail('card_provider_unavailable', 'The card payment is still being processed; the payment completes when it does.');
}

/** Step 3: the payment settled with the account, once (a settle that finds it done answers the account as it is). */
async function settle(p: BillingPayment, outcome: Outcome, now = new Date()): Promise<BillingAccount> {
  const at = now.toISOString();
  for (let attempt = 1; ; attempt++) {
    const account = await billingAccount(p.participant);
    if (account.pendingPayment?.key !== p.key) return account;
    let next: BillingAccount;
    let settled: BillingPayment;
    if (outcome.status === 'paid') {
      next = p.kind === 'change' ? afterChange(account, p) : afterRenewal(account, p);
      settled = { ...p, status: 'paid', ...(outcome.chargeId ? { chargeId: outcome.chargeId } : {}), notify: account.notificationEmails };
    } else {
      const { pendingPayment: _p, ...rest } = account;
      next = p.kind === 'renewal' && p.periodFrom ? { ...rest, unpaidSince: p.periodFrom } : rest;
      const refusal = outcome.refusal;
      settled = { ...p, status: 'failed', reason: refusal.message, ...(refusal.code === 'card_declined' ? { declineCode: refusal.declineCode } : {}), notify: account.notificationEmails };
    }
    const release = outcome.status === 'failed' && outcome.promoTaken && p.promoCode ? promoCodesRepo.releaseItems(promoKey(p.promoCode), p.participant, p.key, at) : [];
    try {
      await transactWrite([paymentsRepo.accountItem({ ...next, version: account.version }, at), paymentsRepo.settleItem(settled, at), ...release]);
      log.info('billing payment settled', { participant: p.participant, payment: p.key, status: settled.status, amountMinor: p.amountMinor, chargeId: settled.chargeId });
      return { ...next, version: account.version + 1, updatedAt: at };
    } catch (err) {
      if (err instanceof PaymentChangedError) return billingAccount(p.participant);
      if (!(err instanceof AccountChangedError)) throw err;
      if (attempt >= ATTEMPTS) throw new ContentionError(`the billing account of ${p.participant} kept changing`);
      await sleep(Math.random() * 10 * 2 ** attempt);
    }
  }
}

/** Steps 2-3 of a started payment; a refused charge comes out as the card's failure once the payment is settled failed. */
async function complete(p: BillingPayment, payments: CardPayments, now = new Date()): Promise<BillingAccount> {
  if (p.promoCode) {
    try {
      await redeemPromoCode(p.promoCode, p.participant, p.key, now);
    } catch (err) {
      await settle(p, { status: 'failed', refusal: { code: 'refused', message: err instanceof Error ? err.message : String(err) }, promoTaken: false }, now);
      throw err;
    }
  }
  const outcome = await charge(p, payments);
  const account = await settle(p, outcome, now);
  if (outcome.status === 'failed') throw outcome.refusal.code === 'refused' ? fail('card_required', outcome.refusal.message) : cardFailure(outcome.refusal);
  return account;
}

/** Step 1 then 2-3: false when the account changed since it was read (the caller reads it again). */
async function start(account: BillingAccount, p: BillingPayment, payments: CardPayments, now: Date): Promise<BillingAccount | false> {
  try {
    await transactWrite([paymentsRepo.startItem(p), paymentsRepo.accountItem({ ...account, pendingPayment: { key: p.key, since: now.toISOString() } }, now.toISOString())]);
  } catch (err) {
    if (err instanceof AccountChangedError) return false;
    throw err;
  }
  return complete(p, payments, now);
}

/** Takes over the account's payment in flight (steps 2-3 again): what a crash left is finished. */
async function resume(account: BillingAccount, payments: CardPayments, now: Date): Promise<void> {
  const pending = account.pendingPayment!;
  const p = await paymentsRepo.get(account.participant, pending.key);
  if (!p || p.status !== 'charging') {
    // Cannot happen (the payment and the flag are written together); clear the flag so the account is not stuck.
    log.error('billing account flags a payment that is not in flight', { participant: account.participant, payment: pending.key, status: p?.status });
    const { pendingPayment: _p, ...rest } = account;
    await transactWrite([paymentsRepo.accountItem(rest, now.toISOString())]);
    return;
  }
  log.warn('billing payment taken over', { participant: account.participant, payment: p.key, since: pending.since });
  await complete(p, payments, now).catch((err) => {
    // A refusal settled the payment as failed: the takeover is done.
    if (!(err instanceof DomainError) || err.code === 'card_provider_unavailable') throw err;
  });
}

const isStale = (account: BillingAccount, now: Date) => now.getTime() - Date.parse(account.pendingPayment!.since) >= staleMs();

/**
 * `PUT .../current/billing_plan`: the participant's plan changed to `input.plan` (a card given is saved first),
 * paid now. Choosing the plan the participant is on and paid for changes nothing. Refusals leave the plan as it
 * was: a declined card, a downgrade inside the commitment, a paid plan without a card, a payment in flight.
 */
export async function changePlan(caller: BillingCaller, input: PlanChangeInput, payments: CardPayments = cardPayments(), now = new Date()): Promise<BillingPlanView> {
  const doc = await currentPlansDocument();
  const planId = requirePlan(doc, input.plan).id;
  if (input.card) await setCard(caller, input.card, payments);
  const promo = input.promo_code ? await checkPromoCode(input.promo_code, caller.participant, now) : undefined;
  const key = `change:${randomUUID()}`;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const account = await billingAccount(caller.participant, now);
    if (account.pendingPayment) {
      if (!isStale(account, now)) throw fail('payment_in_progress', 'a payment of this participant is in progress; try again in a moment', { since: account.pendingPayment.since });
      await resume(account, payments, now);
      continue;
    }
    const unchanged = account.plan === planId && !onTrial(account, now) && !account.unpaidSince && !account.terminated && !promo;
    if (unchanged) return billingPlanView(account, now);
    const payment = await changePayment(account, doc, planId, key, caller, promo && { code: promo.code, days: promo.days_value }, now);
    const done = await start(account, payment, payments, now);
    if (done) return billingPlanView(done, now);
    await sleep(Math.random() * 10 * 2 ** attempt);
  }
  throw new ContentionError(`the billing account of ${caller.participant} kept changing`);
}

/** The renewal of the participant's paid period if it is due (its paid period ended by today); false when not due. */
async function renew(participant: string, payments: CardPayments, now: Date): Promise<BillingPayment['status'] | false> {
  const doc = await currentPlansDocument();
  const today = dayOf(now);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const account = await billingAccount(participant, now);
    if (!isPaidPlan(account.plan) || !account.paidFrom || !account.paidTo || account.paidTo > today || account.pendingPayment || account.unpaidSince) return false;
    const money = moneyOf(doc, account.plan, account.periodCostMinor);
    const periodFrom = account.paidTo;
    const periodTo = addMonth(periodFrom);
    // A terminated contract ends with its paid period: only the coins used in it are charged.
    const q = quote({
      ...(account.terminated ? {} : { plan: { id: account.plan!, costMinor: money.costMinor, periodFrom, periodTo } }),
      usage: await usageSince(account, doc, account.paidTo),
      carriedMinor: account.creditMinor ?? 0n,
    });
    const at = now.toISOString();
    const payment: BillingPayment = {
      participant,
      key: `renewal:${periodFrom}`,
      kind: 'renewal',
      status: 'charging',
      plan: account.plan!,
      ...(account.terminated ? {} : { periodFrom, periodTo }),
      currency: plansConfig().BILLING_CURRENCY,
      rows: q.rows,
      amountMinor: q.amountMinor,
      creditLeftMinor: q.creditLeftMinor,
      planCostMinor: money.costMinor,
      commitmentWeeks: account.commitmentWeeks ?? 0,
      ...(account.card ? { card: cardOf(account) } : {}),
      createdAt: at,
      updatedAt: at,
    };
    try {
      const done = await start(account, payment, payments, now);
      if (done) return 'paid';
    } catch (err) {
      if (err instanceof PaymentChangedError) return false; // this period's renewal exists: another run made it
      if (err instanceof DomainError && err.code !== 'card_provider_unavailable') return 'failed';
      throw err;
    }
    await sleep(Math.random() * 10 * 2 ** attempt);
  }
  throw new ContentionError(`the billing account of ${participant} kept changing`);
}

export interface RenewalRun {
  resumed: number;
  paid: number;
  failed: number;
  errors: number;
}

/**
 * The renewal job: payments in flight for longer than BILLING_PAYMENT_STALE_SECONDS are taken over, then every
 * account whose paid period ended by today is renewed (charged for the next period and the coins used in the
 * one that ended). Running it again for the same period charges nothing more.
 */
export async function runRenewals(now = new Date(), payments: CardPayments = cardPayments()): Promise<RenewalRun> {
  const run: RenewalRun = { resumed: 0, paid: 0, failed: 0, errors: 0 };
  for (const participant of await paymentsRepo.pendingSince(new Date(now.getTime() - staleMs()).toISOString())) {
    try {
      const account = await billingAccount(participant, now);
      if (account.pendingPayment && isStale(account, now)) {
        await resume(account, payments, now);
        run.resumed++;
      }
    } catch (err) {
      run.errors++;
      log.error('billing payment takeover failed', { participant, error: err });
    }
  }
  for (const participant of await paymentsRepo.renewingBy(dayOf(now))) {
    try {
      const status = await renew(participant, payments, now);
      if (status === 'paid') run.paid++;
      if (status === 'failed') run.failed++;
    } catch (err) {
      run.errors++;
      log.error('billing renewal failed', { participant, error: err });
    }
  }
  return run;
}
