/**
 * Coin top-ups: a participant buys coins with its saved card; they are sent on chain to its deposit address.
 *
 * A top-up is a chain (id `urn:authenticateit:transaction_request:<uuid>`) advanced by conditional writes:
 *   charging    -> the card is charged (synchronously; Stripe idempotency key `topup-charge:<uuid>`)
 *   charged     -> in ONE transaction: ledger entry top-up sales -> the top-up's hold (`coins`), a chain
 *                  payout of the hold to the participant's deposit address (refundAccount: top-up sales,
 *                  source `topup:<uuid>`, unit derived from the uuid) and the state `topping_up`
 *   topping_up  -> the payout CONFIRMED: `success` (the engine posted hold -> chain-out; the deposit scanner
 *                  credits the participant's deposit when it sees the transfer, exactly once: nothing here
 *                  credits it); FAILED (the engine posted hold -> top-up sales): refunded at Stripe
 *                  (idempotency key `topup-refund:<uuid>`) -> `refunded` | `refund_failed`
 *   a declined charge -> `charge_failed`, with the decline and its time as the reason
 * coins = floor(amount cents / 100 / price × 10^18) at the price current when the chain starts (the price and
 * when it was set are recorded on it).
 *
 * Resume: a chain not final has an open marker; `runTopUpJob` (every minute) advances every open chain, so a
 * crash between two steps is picked up by the next run. A repeated charge is the same Stripe request (same
 * key and body: Stripe answers the first charge), a known charge id is asked about (`getCharge`), the payout
 * exists once (its unit is derived from the chain and its put is conditional, in the transaction that leaves
 * `charged`), and a refund is made once (same key; a charge already refunded at Stripe is not refunded again).
 * The job also learns here that a payout ended: it reads the payout of each `topping_up` chain; history
 * reads it too, so a settled payout shows at once.
 *
 * Automatic top-ups: the job starts one for each active setting whose participant's deposit coins are at or
 * below the threshold, unless one started in the last 1/7/30 days (daily/weekly/monthly): the start is one
 * transaction with a conditional marker of the last start, so two runs in one window start one chain.
 */
import { isoSeconds, transactionRequestId } from '../wire.js';
import { randomUUID } from 'node:crypto';
import { CardPaymentError, cardPayments, type CardPayments, type ChargeResult } from '../billing/card-payments.js';
import { depositAddress } from '../coins/deposits.js';
import * as keys from '../db/keys.js';
import { accountIds } from '../db/keys.js';
import { keyedRequest } from '../db/request-keys.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import { isFailure } from '../errors.js';
import { entryItems, getBalance } from '../ledger/index.js';
import { log } from '../log/index.js';
import { payoutsRepo, type Payout } from '../payouts/repository.js';
import { sha256Base64 } from '../security/secrets.js';
import { fail } from './failures.js';
import { chainView, coinsFor, requireAtLeastMinimum, topUpTerms, type Terms, type WireChain } from './index.js';
import {
  AutoWindowTakenError,
  SettingsChangedError,
  topUpAutoMarkers,
  TopUpStateError,
  topUpSettingsRepo,
  topUpsRepo,
  type TopUp,
  type TopUpSettings,
  type TopUpState,
} from './repository.js';
import type { ManualTopUpInput, TopUpFrequency } from './schema.js';

const DAY_MS = 86_400_000;
const WINDOW_DAYS: Record<TopUpFrequency, number> = { daily: 1, weekly: 7, monthly: 30 };
/** Stripe keeps idempotency keys 24 hours: a charge of unknown outcome older than this is not repeated. */
const CHARGE_REPEAT_MS = 23 * 3600_000;

// --- Chains ------------------------------------------------------------------------------------------

/** Test seams: a crash injected between the steps of a chain. */
export interface TopUpHooks {
  /** The card was charged; the outcome is not yet recorded. */
  afterCharge?: () => void | Promise<void>;
  /** The charge is recorded; the payout transaction is not yet written. */
  afterChargeRecorded?: () => void | Promise<void>;
}

export interface TopUpOptions {
  hooks?: TopUpHooks;
  payments?: CardPayments;
}

function newChain(participant: string, origin: TopUp['origin'], amount: bigint, terms: Terms, now: string): TopUp {
  return {
    uuid: randomUUID(),
    participant,
    origin,
    state: 'charging',
    amount,
    currency: terms.currency,
    coins: coinsFor(amount, terms.price),
    price: terms.priceText,
    priceAt: terms.priceAt,
    customerId: terms.customerId,
    cardId: terms.cardId,
    createdAt: now,
    updatedAt: now,
  };
}

async function transition(t: TopUp, to: TopUpState, set: Partial<TopUp> = {}): Promise<TopUp> {
  const now = new Date().toISOString();
  await transactWrite(topUpsRepo.transitionItems(t, to, set, now));
  return { ...t, ...set, state: to, updatedAt: now };
}

/** Charges the card (or learns the outcome of a charge made before); undefined while the outcome is unknown. */
async function charge(t: TopUp, options: TopUpOptions): Promise<TopUp | undefined> {
  const payments = options.payments ?? cardPayments();
  let result: ChargeResult | null = null;
  try {
    if (t.chargeId) result = await payments.getCharge(t.chargeId);
    if (!result) {
      if (Date.now() - Date.parse(t.createdAt) > CHARGE_REPEAT_MS) {
        // Repeating now could charge twice (the provider forgot the key): the operator has to look.
        log.error('top-up charge outcome unknown after the provider idempotency window; closed without coins', { topUp: t.uuid, participant: t.participant, customerId: t.customerId });
        const at = new Date().toISOString();
        return await transition(t, 'charge_failed', { chargedAt: at, reason: `The charge could not be confirmed. ${isoSeconds(at)}` });
      }
      result = await payments.charge({
        customerId: t.customerId,
        cardId: t.cardId,
        amount: t.amount,
        currency: t.currency,
        description: `Coin top-up ${transactionRequestId(t.uuid)}`,
        idempotencyKey: `topup-charge:${t.uuid}`,
        metadata: { topup: transactionRequestId(t.uuid), participant: t.participant },
      });
    }
  } catch (err) {
    if (err instanceof CardPaymentError) {
      log.warn('top-up charge outcome unknown; the job asks again', { topUp: t.uuid, error: err.message });
      return undefined;
    }
    // The provider refused the request itself: no charge was made.
    log.error('top-up charge refused by the card payment provider', { topUp: t.uuid, error: err instanceof Error ? err.message : String(err) });
    const at = new Date().toISOString();
    return transition(t, 'charge_failed', { chargedAt: at, reason: `The card payment provider refused the charge. ${isoSeconds(at)}` });
  }
  await options.hooks?.afterCharge?.();
  const at = new Date().toISOString();
  if (result.status === 'succeeded') return transition(t, 'charged', { chargeId: result.id!, chargedAt: at });
  if (result.status === 'pending') {
    if (result.id && result.id !== t.chargeId) await transition(t, 'charging', { chargeId: result.id });
    return undefined;
  }
  return transition(t, 'charge_failed', { ...(result.id ? { chargeId: result.id } : {}), chargedAt: at, reason: `${result.failure?.message ?? 'The card was declined.'} ${isoSeconds(at)}` });
}

/** The coins leave: ledger hold, chain payout and `topping_up` in one transaction. */
async function startPayout(t: TopUp, options: TopUpOptions): Promise<TopUp> {
  await options.hooks?.afterChargeRecorded?.();
  const { address } = await depositAddress(t.participant);
  const unit = sha256Base64(`topup|${t.uuid}`);
  const now = new Date().toISOString();
  const hold = accountIds.topupHold(t.uuid);
  const payout: Payout = {
    unit,
    network: 'main',
    kind: 'chain',
    status: 'PENDING',
    destination: address,
    amount: t.coins,
    account: hold,
    refundAccount: accountIds.topupSales(),
    source: `topup:${t.uuid}`,
    createdAt: now,
    updatedAt: now,
  };
  const set = { depositAddress: address, payoutUnit: unit, toppingUpAt: now };
  await transactWrite([
    // First: a concurrent runner that already moved the chain on fails here, not on the payout.
    ...topUpsRepo.transitionItems(t, 'topping_up', set, now),
    payoutsRepo.putNewItem(payout),
    ...entryItems({
      idempotencyKey: `topup:${t.uuid}`,
      kind: 'topup-sale',
      postings: [
        { account: accountIds.topupSales(), amount: -t.coins, allowNegative: true },
        { account: hold, amount: t.coins },
      ],
    }),
  ]);
  return { ...t, ...set, state: 'topping_up', updatedAt: now };
}

/** The payout settled: success, or the charge refunded (once). Undefined while it is in flight. */
async function settle(t: TopUp, options: TopUpOptions): Promise<TopUp | undefined> {
  const p = await payoutsRepo.get(t.payoutUnit!);
  if (!p) throw new Error(`the payout of top-up ${t.uuid} is missing`); // written in one transaction with topping_up
  if (p.status === 'CONFIRMED') return transition(t, 'success', { settledAt: p.updatedAt, ...(p.txHash ? { txHash: p.txHash } : {}) });
  if (p.status !== 'FAILED') return undefined;
  const settled = { settledAt: p.updatedAt, ...(p.txHash ? { txHash: p.txHash } : {}) };
  const payments = options.payments ?? cardPayments();
  let refundId: string | undefined;
  try {
    const charged = await payments.getCharge(t.chargeId!);
    // Refunded by a run that did not get to record it (past the provider's idempotency window too).
    if (!charged || charged.refunded < t.amount) refundId = (await payments.refund({ chargeId: t.chargeId!, idempotencyKey: `topup-refund:${t.uuid}` })).id;
  } catch (err) {
    if (err instanceof CardPaymentError && err.failure.code === 'provider_unavailable') {
      log.warn('top-up refund not made yet; the job tries again', { topUp: t.uuid, error: err.message });
      return undefined;
    }
    log.error('top-up refund failed', { topUp: t.uuid, participant: t.participant, chargeId: t.chargeId, error: err instanceof Error ? err.message : String(err) });
    const at = new Date().toISOString();
    return transition(t, 'refund_failed', { ...settled, refundedAt: at, refundReason: `The refund failed. ${isoSeconds(at)}` });
  }
  return transition(t, 'refunded', { ...settled, ...(refundId ? { refundId } : {}), refundedAt: new Date().toISOString() });
}

/** Advances the chain as far as it goes now; another runner's step in between is read and followed. */
async function advance(start: TopUp, options: TopUpOptions): Promise<TopUp> {
  let t = start;
  for (let step = 0; step < 8; step++) {
    let next: TopUp | undefined;
    try {
      if (t.state === 'charging') next = await charge(t, options);
      else if (t.state === 'charged') next = await startPayout(t, options);
      else if (t.state === 'topping_up') next = await settle(t, options);
      else return t;
    } catch (err) {
      if (!(err instanceof TopUpStateError)) throw err;
      next = await topUpsRepo.get(t.uuid);
    }
    if (!next || (next.state === t.state && next.updatedAt === t.updatedAt)) return next ?? t;
    t = next;
  }
  return t;
}

/**
 * A manual top-up: starts a chain now (whatever the settings), charges the card synchronously and answers the
 * chain. With an Idempotency-Key (the participant's own, kept 24 hours) a retry answers the chain the key
 * started, as it is now; the key with another amount is refused.
 */
export async function manualTopUp(participant: string, input: ManualTopUpInput, idempotencyKey?: string, options: TopUpOptions = {}): Promise<WireChain> {
  const keyed = {
    key: idempotencyKey === undefined ? undefined : keys.topUpRequestKey(participant, idempotencyKey),
    type: 'TopUpRequestKey',
    owner: { participant },
    request: [input.amount],
    answer: async (uuid: string) => {
      const t = await topUpsRepo.get(uuid);
      return t && chainView(t);
    },
    reused: () => fail('idempotency_key_reused', 'this Idempotency-Key was already used for a top-up of another amount'),
  };
  return keyedRequest(keyed, (keyItems) => startManualTopUp(participant, input, keyItems, options));
}

async function startManualTopUp(participant: string, input: ManualTopUpInput, keyItems: (uuid: string, now: string) => GuardedItem[], options: TopUpOptions): Promise<WireChain> {
  const terms = await topUpTerms(participant);
  const amount = requireAtLeastMinimum(input.amount, terms);
  const now = new Date();
  const t = newChain(participant, 'manual', amount, terms, now.toISOString());
  await transactWrite([...keyItems(t.uuid, t.createdAt), ...topUpsRepo.newItems(t)]);
  return chainView(await advance(t, options));
}


/** Starts the automatic top-up of one setting when it is due; false when not due or not possible now. */
async function startAutomatic(s: TopUpSettings, now: Date, options: TopUpOptions): Promise<boolean> {
  const since = new Date(now.getTime() - WINDOW_DAYS[s.frequency] * DAY_MS).toISOString();
  const last = await topUpAutoMarkers.lastStartedAt(s.participant);
  if (last !== undefined && last > since) return false; // the transaction below decides; this only spares the work
  if ((await getBalance(accountIds.userCoins(s.participant))) > s.coinsThreshold) return false;
  let terms: Terms;
  try {
    terms = await topUpTerms(s.participant);
  } catch (err) {
    if (!isFailure(err)) throw err;
    log.warn('automatic top-up not started', { participant: s.participant, reason: err.code, error: err.message });
    return false;
  }
  if (terms.currency !== s.currency) {
    log.warn('automatic top-up not started: the participant currency changed since the settings were set', { participant: s.participant, settings: s.currency, now: terms.currency });
    return false;
  }
  const t = newChain(s.participant, 'auto', s.minimalAmount ? terms.minCents : s.amount, terms, now.toISOString());
  try {
    await transactWrite([topUpSettingsRepo.unchangedCheck(s.participant, s.version), topUpAutoMarkers.takeItem(s.participant, t.uuid, t.createdAt, since), ...topUpsRepo.newItems(t)]);
  } catch (err) {
    if (err instanceof AutoWindowTakenError || err instanceof SettingsChangedError) return false;
    throw err;
  }
  log.info('automatic top-up started', { participant: s.participant, topUp: t.uuid, amount: t.amount.toString(), currency: t.currency });
  await advance(t, options);
  return true;
}

/**
 * A participant's deposit changed (the table stream saw its ledger account): starts its automatic top-up when
 * its settings are active, its deposit is at or below the threshold and the frequency window allows, as the
 * job would. True when a chain started.
 */
export async function checkTopUp(participant: string, now = new Date(), options: TopUpOptions = {}): Promise<boolean> {
  const s = await topUpSettingsRepo.get(participant);
  return s?.status === 'active' ? startAutomatic(s, now, options) : false;
}

export interface TopUpJobSummary {
  /** Automatic top-ups started. */
  started: number;
  /** Open chains that moved on. */
  advanced: number;
  /** Chains or settings that failed with an error (logged); the next run tries again. */
  errors: number;
}

/**
 * The scheduled job: starts the automatic top-ups that are due, then advances every open chain (a step a
 * crash interrupted, a payout that settled, a refund to make).
 */
export async function runTopUpJob(now = new Date(), options: TopUpOptions = {}): Promise<TopUpJobSummary> {
  const summary: TopUpJobSummary = { started: 0, advanced: 0, errors: 0 };
  for (const s of await topUpSettingsRepo.listActive()) {
    try {
      if (await startAutomatic(s, now, options)) summary.started++;
    } catch (err) {
      summary.errors++;
      log.error('automatic top-up failed to start', { participant: s.participant, error: err });
    }
  }
  for (const uuid of await topUpsRepo.listOpen()) {
    try {
      const t = await topUpsRepo.get(uuid);
      if (!t) continue;
      const after = await advance(t, options);
      if (after.state !== t.state) summary.advanced++;
    } catch (err) {
      summary.errors++;
      log.error('top-up chain failed to advance', { topUp: uuid, error: err });
    }
  }
  return summary;
}

