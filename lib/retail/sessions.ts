/**
 * Retail connect sessions: a user pays part of a purchase with coins at a participant's store terminal, and gets
 * a rebate by their loyalty level.
 *
 *   init (terminal, with the user's code) -> amount_set (terminal) -> payment_set (user) -> rebate_set (terminal's
 *   payment_confirm); `terminate` by either side before the confirmation.
 *
 * Every transition is ONE conditional write on the session's status (and, but for terminate, its expiry): an
 * out-of-order, repeated or concurrent update changes nothing and is told why. Money moves in the transition's
 * transaction:
 * - payment_set: the paid coins leave the user's balance for the session's hold (conditioned on the balance),
 *   counted in the month's withdrawals, with the session's history keys;
 * - payment_confirm: the hold goes to the participant's deposit, the rebate comes from it to the user (conditioned
 *   on the deposit) counted as an earning, and the purchase counts toward the user's level;
 * - terminate (or expiry, by the sweep): the hold back to the user, out of the month's withdrawals.
 * Paid coins wait in a hold rather than in the participant's deposit so that a terminated session always returns
 * them, whatever the participant spent meanwhile.
 *
 * The coin price is quoted when the session starts and when the amount is set, valid RETAIL_PRICE_TIMEOUT_SECONDS;
 * reading a session whose quote is stale quotes again (before the payment only). A payment on a stale quote is
 * refused; coins, amounts and the rebate are computed at the quote the payment was made at.
 */
import { isoSeconds, transactionRequestId } from '../wire.js';
import { randomUUID } from 'node:crypto';
import { retailConfig } from '../config/index.js';
import { InsufficientFundsError } from '../db/errors.js';
import * as keys from '../db/keys.js';
import { accountIds } from '../db/keys.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import { exactNumber } from '../json.js';
import { compactPostings, entryItems, getBalance } from '../ledger/index.js';
import { parseFraction, type Fraction } from '../ledger/money.js';
import { log } from '../log/index.js';
import { currentPrice, pricePerUnit } from '../rates/index.js';
import { earningItem, withdrawalItem, withdrawalReversalItem } from '../withdrawals/earnings.js';
import { coinsValueMinor } from '../withdrawals/fees.js';
import { OPEN_STATUSES, retailSessionsRepo, sessionId, sessionUuidOf, type RetailSession, type RetailStatus, type StatusSide } from './repository.js';
import { requireRetailCode, retailCodeHash } from './codes.js';
import type { TerminalUpdateBody, UserUpdateBody } from './session-schema.js';
import { fail } from './failures.js';
import { currentLevel } from './levels-view.js';
import { programView, requireProgram, type LoyaltyProgram } from './programs.js';
import { retailPurchasesRepo } from './purchases.js';

const priceOf = (s: RetailSession): Fraction => parseFraction(s.priceText);

class SessionStateError extends Error {}

interface Step {
  from: readonly RetailStatus[];
  to: RetailStatus;
  side: StatusSide;
  /** Other attributes to set. */
  set?: Partial<RetailSession>;
  /** Index keys to write with them. */
  index?: Record<string, string>;
  /** Refuse an expired session (all but terminate). */
  live: boolean;
  /** The price quote the step relies on (a payment; terminate, to answer the session as it leaves it): refused if another quote replaced it. */
  quotedAt?: string;
  now: Date;
}

/** Every attribute a step sets. */
const stepSet = (step: Step): Partial<RetailSession> => ({ ...step.set, status: step.to, statusSide: step.side, updatedAt: step.now.toISOString() });

/**
 * The session as a step that succeeded leaves it: what reading it again would give (the step's index keys are no
 * session attributes; the attributes it leaves alone could not change meanwhile, as its condition held).
 */
const afterStep = (s: RetailSession, step: Step): RetailSession => ({ ...s, ...stepSet(step) });

/** The session's conditional update for one step. */
function stepItem(uuid: string, step: Step): GuardedItem {
  return retailSessionsRepo.changeItem(
    uuid,
    {
      from: step.from,
      set: stepSet(step),
      ...(step.index ? { index: step.index } : {}),
      ...(step.live ? { liveAt: step.now.toISOString() } : {}),
      ...(step.quotedAt ? { quotedAt: step.quotedAt } : {}),
    },
    () => new SessionStateError(),
  );
}

/** Runs a step; a failed condition is explained from the session as it is now. */
async function runStep(s: RetailSession, step: Step, more: GuardedItem[] = []): Promise<RetailSession> {
  try {
    await transactWrite([stepItem(s.uuid, step), ...more]);
  } catch (err) {
    if (!(err instanceof SessionStateError)) throw err;
    const now = (await retailSessionsRepo.get(s.uuid))!;
    throw refusal(now, step);
  }
  return afterStep(s, step);
}

/** Checks a step against the session read before any work for it: its status, and its expiry for a live step. */
function refuseUnlessAllowed(s: RetailSession, step: Step): void {
  if (!step.from.includes(s.status) || (step.live && s.expiresTs <= step.now.toISOString())) throw refusal(s, step);
}

function refusal(s: RetailSession, step: Step) {
  if (!step.from.includes(s.status)) {
    return fail('retail_bad_transition', `the session is ${s.status}: ${step.to === 'rebate_set' ? 'payment_confirm' : step.to} needs it ${step.from.join(' or ')}`, { status: s.status });
  }
  if (step.live && s.expiresTs <= step.now.toISOString()) return fail('retail_session_expired', `the session expired at ${isoSeconds(s.expiresTs)}`, { expired_at: isoSeconds(s.expiresTs) });
  return fail('retail_price_expired', 'the coin price was quoted again meanwhile: read the session and pay at its price', {});
}

const isExpired = (s: RetailSession, now: Date) => OPEN_STATUSES.includes(s.status) && s.expiresTs <= now.toISOString();
const quoteStale = (s: RetailSession, now: Date) => now.getTime() - Date.parse(s.quotedAt) >= Number(retailConfig().RETAIL_PRICE_TIMEOUT_SECONDS) * 1000;

/** Each status the session reached, as the contract's `statuses` shows them. */
function statusesOf(s: RetailSession) {
  const price = priceOf(s);
  return {
    ...(s.amountSetAt
      ? { amount_set: { amount_value: Number(s.amountMinor), payment_method: s.paymentMethod!, ...(s.paymentMethod === 'cashless' ? { payment_reference: s.paymentReference ?? null } : {}), status: 'amount_set' as const, ts: s.amountSetAt } }
      : {}),
    ...(s.confirmedAt ? { payment_confirm: { status: 'payment_confirm' as const, ts: s.confirmedAt } } : {}),
    ...(s.paidAt
      ? {
          payment_set: {
            payment_coins: (s.paymentCoins ?? 0n).toString(),
            payment_reference: s.paymentReference ?? null,
            payment_result: { charge_id: null, status: 'success' as const },
            payment_value: Number(s.paymentValueMinor),
            status: 'payment_set' as const,
            transaction: {
              action: 'retail_connect' as const,
              coins: (s.paymentCoins ?? 0n).toString(),
              coins_prices: { [s.currency]: exactNumber(pricePerUnit(price)) },
              currency: s.currency,
              id: transactionRequestId(s.paymentUuid!),
              owner: s.user,
              profile_coins: (s.profileCoins ?? 0n).toString(),
              session_id: sessionId(s.uuid),
              ts: isoSeconds(s.paidAt),
              type: 'transaction_request' as const,
            },
            ts: s.paidAt,
          },
        }
      : {}),
    ...(s.confirmedAt ? { rebate_set: { coins_rebate: (s.rebateCoins ?? 0n).toString(), status: 'rebate_set' as const, ts: s.confirmedAt } } : {}),
    ...(s.terminatedAt ? { terminate: { status: 'terminate' as const, ts: s.terminatedAt, ...(s.terminatedReason ? { reason: s.terminatedReason } : {}) } } : {}),
  };
}

/** The session as the contract shows it. */
export function retailSessionView(s: RetailSession, program: LoyaltyProgram, now = new Date()) {
  return {
    code: s.code,
    code_hash: retailCodeHash(s.code),
    coin_price: { price: exactNumber(pricePerUnit(priceOf(s))), timeout_sec: Number(retailConfig().RETAIL_PRICE_TIMEOUT_SECONDS), ts: isoSeconds(s.quotedAt) },
    create_ts: isoSeconds(s.createdAt),
    currency: s.currency,
    device_id: s.deviceId,
    id: sessionId(s.uuid),
    is_expired: isExpired(s, now),
    loyalty_program: programView(program, s.userLevel),
    operator_id: s.operator,
    participant_id: s.participant,
    status: s.status,
    status_side: s.statusSide,
    ...(s.amountSetAt || s.terminatedAt ? { statuses: statusesOf(s) } : {}),
    timeout: s.timeoutSeconds,
    type: 'retail_connect_session' as const,
    update_ts: isoSeconds(s.updatedAt),
    user_id: s.user,
  };
}

export interface Terminal {
  operator: string;
  deviceId: string;
  participant: string;
}

/** POST .../sessions/session/init: the terminal starts a session with the customer's code, once per code. */
export async function initRetailSession(terminal: Terminal, code: string, now = new Date()) {
  const bound = requireRetailCode(code, now.getTime());
  // A code shown at another participant's store is not for this terminal (nor does it say whose it is).
  if (bound.participant !== terminal.participant) throw fail('retail_code_other_participant', 'the code is for another participant’s stores');
  const program = await requireProgram(bound.participant);
  if (program.status !== 'active') throw fail('retail_program_inactive', 'the participant’s loyalty program is inactive: no session can start');
  const [price, level] = await Promise.all([currentPrice(program.currency), currentLevel(bound.user, bound.participant, program, now)]);
  const nowIso = now.toISOString();
  const timeoutSeconds = Number(retailConfig().RETAIL_SESSION_TIMEOUT_SECONDS);
  const s: RetailSession = {
    uuid: randomUUID(),
    user: bound.user,
    participant: bound.participant,
    card: bound.card,
    deviceId: terminal.deviceId,
    operator: terminal.operator,
    code,
    currency: program.currency,
    userLevel: level.level,
    timeoutSeconds,
    createdAt: nowIso,
    updatedAt: nowIso,
    expiresTs: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(),
    status: 'init',
    statusSide: 'terminal',
    priceText: price.priceText,
    quotedAt: nowIso,
  };
  await transactWrite([
    retailSessionsRepo.codeUseItem(retailCodeHash(code), s.uuid, nowIso, bound.expiresAt + 86_400, () => fail('retail_code_used', 'this code already started a session: ask the customer to show a new one')),
    retailSessionsRepo.newItem(s),
  ]);
  log.info('retail session started', { session: s.uuid, participant: s.participant, device: s.deviceId });
  return retailSessionView(s, program, now);
}

/** Who reads or updates a session: its user, or a terminal of its participant (others: not found). */
export type SessionCaller = { kind: 'user'; user: string } | { kind: 'terminal'; terminal: Terminal };

async function sessionFor(caller: SessionCaller, id: string): Promise<RetailSession> {
  const s = await retailSessionsRepo.get(sessionUuidOf(id));
  const mine = s && (caller.kind === 'user' ? s.user === caller.user : s.participant === caller.terminal.participant);
  if (!s || !mine) throw fail('retail_session_not_found', `no retail session ${id}`, { session_id: id });
  return s;
}

/**
 * The session the caller may see and its participant's program. A terminal's participant is known before the
 * session is read, so both are read at once; a session not found is still the answer when both are missing.
 */
async function sessionAndProgram(caller: SessionCaller, id: string): Promise<[RetailSession, LoyaltyProgram]> {
  if (caller.kind === 'user') {
    const s = await sessionFor(caller, id);
    return [s, await requireProgram(s.participant)];
  }
  const [s, program] = await Promise.allSettled([sessionFor(caller, id), requireProgram(caller.terminal.participant)]);
  if (s.status === 'rejected') throw s.reason;
  if (program.status === 'rejected') throw program.reason;
  return [s.value, program.value];
}

/** A session whose price quote is stale is quoted again while it waits for the amount or the payment (once under concurrent reads). */
async function freshQuote(s: RetailSession, program: LoyaltyProgram, now: Date): Promise<RetailSession> {
  if (!['init', 'amount_set'].includes(s.status) || !quoteStale(s, now) || isExpired(s, now)) return s;
  const price = await currentPrice(program.currency);
  const quotedAt = now.toISOString();
  if (await retailSessionsRepo.requote(s.uuid, s.quotedAt, price.priceText, quotedAt)) return { ...s, priceText: price.priceText, quotedAt };
  return (await retailSessionsRepo.get(s.uuid))!;
}

/** GET .../sessions/session: the user's own session, or one of the terminal's participant. */
export async function readRetailSession(caller: SessionCaller, id: string, now = new Date()) {
  const [s, program] = await sessionAndProgram(caller, id);
  return retailSessionView(await freshQuote(s, program, now), program, now);
}

/** GET .../sessions: the user's active sessions (not ended, not expired), newest first, filtered as asked. */
export async function listRetailSessions(user: string, filters: { code?: string; participant_id?: string; card_id?: string }, now = new Date()) {
  const since = new Date(now.getTime() - Number(retailConfig().RETAIL_SESSION_TIMEOUT_SECONDS) * 1000).toISOString();
  const active = (await retailSessionsRepo.ofUserSince(user, since)).filter(
    (s) =>
      OPEN_STATUSES.includes(s.status) &&
      !isExpired(s, now) &&
      (!filters.code || s.code === filters.code) &&
      (!filters.participant_id || s.participant === filters.participant_id) &&
      (!filters.card_id || s.card === filters.card_id),
  );
  const participants = [...new Set(active.map((s) => s.participant))];
  const programs = new Map(await Promise.all(participants.map(async (p) => [p, await requireProgram(p)] as const)));
  return Promise.all(active.map(async (s) => retailSessionView(await freshQuote(s, programs.get(s.participant)!, now), programs.get(s.participant)!, now)));
}

const PAYMENT_REFERENCE = /^[A-Za-z0-9._:/-]{4,64}$/;

export type TerminalUpdate = TerminalUpdateBody['status_metadata'];

export type UserUpdate = UserUpdateBody['status_metadata'];

/** PUT .../update/terminal: amount_set, payment_confirm (then the rebate) or terminate. */
export async function updateFromTerminal(terminal: Terminal, id: string, update: TerminalUpdate, now = new Date()) {
  const [s, program] = await sessionAndProgram({ kind: 'terminal', terminal }, id);
  const at = now.toISOString();
  let after: RetailSession;
  if (update.status === 'amount_set') {
    const reference = update.payment_reference ?? null;
    if (update.payment_method === 'cash' && reference !== null) throw fail('retail_bad_payment_reference', 'payment_reference must be null for a cash payment', { payment_method: 'cash' });
    if (update.payment_method === 'cashless' && (reference === null || !PAYMENT_REFERENCE.test(reference))) {
      throw fail('retail_bad_payment_reference', 'a cashless payment needs payment_reference: 4 to 64 letters, digits or . _ : / -', { payment_method: 'cashless' });
    }
    // The amount is set at a fresh quote: the user pays within its timeout.
    const price = await currentPrice(program.currency);
    after = await runStep(s, {
      from: ['init'],
      to: 'amount_set',
      side: 'terminal',
      set: { amountMinor: BigInt(update.amount_value), paymentMethod: update.payment_method, ...(reference !== null ? { paymentReference: reference } : {}), amountSetAt: at, priceText: price.priceText, quotedAt: at },
      live: true,
      now,
    });
  } else if (update.status === 'payment_confirm') {
    after = await confirm(s, program, now);
  } else {
    after = await terminate(s, 'terminal', now);
  }
  return retailSessionView(after, program, now);
}

/** PUT .../update/user: payment_set or terminate. */
export async function updateFromUser(user: string, id: string, update: UserUpdate, now = new Date()) {
  const caller: SessionCaller = { kind: 'user', user };
  if (update.status === 'terminate') {
    const [s, program] = await sessionAndProgram(caller, id);
    return retailSessionView(await terminate(s, 'user', now), program, now);
  }
  // A payment records the user's balance before it: read with the session.
  const [[s, program], balance] = await Promise.all([sessionAndProgram(caller, id), getBalance(accountIds.userCoins(user))]);
  return retailSessionView(await pay(s, program, update, balance, now), program, now);
}

/** The user pays `payment_coins` (at most the program's rule and the amount, at the quote) and `payment_value` in money; `balance`: their coins before. */
async function pay(s: RetailSession, program: LoyaltyProgram, u: Extract<UserUpdate, { status: 'payment_set' }>, balance: bigint, now: Date): Promise<RetailSession> {
  const step: Step = { from: ['amount_set'], to: 'payment_set', side: 'user', live: true, now };
  refuseUnlessAllowed(s, step);
  if (quoteStale(s, now)) throw fail('retail_price_expired', `the coin price quoted at ${isoSeconds(s.quotedAt)} is older than ${retailConfig().RETAIL_PRICE_TIMEOUT_SECONDS} s: read the session for a new quote`, { quoted_at: isoSeconds(s.quotedAt) });
  const amount = s.amountMinor!;
  const price = priceOf(s);
  const coinsValue = coinsValueMinor(u.payment_coins, price);
  const cap = BigInt(program.coinPaymentsRule.currency_value);
  if (coinsValue > cap) throw fail('retail_over_coin_rule', `coins may pay at most ${cap} cents of a purchase here; these coins are worth ${coinsValue}`, { coins_value: Number(coinsValue), currency_value: Number(cap) });
  if (coinsValue > amount) throw fail('retail_over_coin_rule', `the coins are worth ${coinsValue} cents, more than the amount ${amount}`, { coins_value: Number(coinsValue), amount_value: Number(amount) });
  const rest = amount - coinsValue;
  if (u.payment_value !== undefined && BigInt(u.payment_value) !== rest) throw fail('retail_bad_payment_value', `payment_value must be the amount less the coins' value at the quoted price: ${rest}`, { expected_payment_value: Number(rest) });
  const stored = s.paymentReference ?? null;
  if ((u.payment_reference ?? null) !== null && u.payment_reference !== stored) throw fail('retail_bad_payment_reference', 'payment_reference must be the one the terminal set, or null', {});

  const at = now.toISOString();
  const paymentUuid = randomUUID();
  const coins = u.payment_coins;
  const money: GuardedItem[] =
    coins > 0n
      ? [
          ...entryItems({
            idempotencyKey: `retail-payment:${s.uuid}`,
            kind: 'retail-payment',
            postings: [
              { account: accountIds.userCoins(s.user), amount: -coins },
              { account: accountIds.retailHold(s.uuid), amount: coins },
            ],
          }),
          // Coins spent at a store leave the balance like a withdrawal (the earnings statement shows them); no limit applies.
          withdrawalItem(s.user, coins, now),
          retailSessionsRepo.paidMarkerItem(s, at),
        ]
      : [];
  try {
    const after = await runStep(
      s,
      { ...step, set: { paymentCoins: coins, paymentValueMinor: rest, profileCoins: balance, paymentUuid, paidAt: at }, index: keys.withdrawalInHistory(s.user, at, paymentUuid), quotedAt: s.quotedAt },
      money,
    );
    log.info('retail payment', { session: s.uuid, coins });
    return after;
  } catch (err) {
    if (err instanceof InsufficientFundsError) throw fail('retail_insufficient_coins', 'your coins cannot cover this payment', { account_coins: (await getBalance(accountIds.userCoins(s.user))).toString(), payment_coins: coins.toString() });
    throw err;
  }
}

/** The whole-cent rebate of `amountMinor` at `percent`, in coins at the quote (floored: never more than exact). */
export function rebateCoins(amountMinor: bigint, percent: Fraction, price: Fraction): bigint {
  // amount (cents) x percent / 100 = cents; cents / (100 x price per token) = tokens; x 10^18 = smallest units.
  return (amountMinor * percent.num * price.den * 10n ** 18n) / (percent.den * 100n * 100n * price.num);
}

/** payment_confirm: the purchase is final. The paid coins go to the participant, the rebate to the user; the purchase counts toward levels. */
async function confirm(s: RetailSession, program: LoyaltyProgram, now: Date): Promise<RetailSession> {
  const step: Step = { from: ['payment_set'], to: 'rebate_set', side: 'terminal', live: true, now };
  refuseUnlessAllowed(s, step);
  const { rebate } = await currentLevel(s.user, s.participant, program, now);
  const paid = s.paymentCoins ?? 0n;
  const coinsRebate = rebateCoins(s.amountMinor!, rebate, priceOf(s));
  const at = now.toISOString();
  const deposit = accountIds.userCoins(s.participant);
  // The deposit receives the payment and pays the rebate: one posting of the difference.
  const postings = compactPostings([
    ...(paid > 0n ? [{ account: accountIds.retailHold(s.uuid), amount: -paid }, { account: deposit, amount: paid }] : []),
    ...(coinsRebate > 0n ? [{ account: deposit, amount: -coinsRebate }, { account: accountIds.userCoins(s.user), amount: coinsRebate }] : []),
  ]);
  const money: GuardedItem[] = [
    ...(postings.length ? entryItems({ idempotencyKey: `retail-confirm:${s.uuid}`, kind: 'retail-confirm', postings }) : []),
    ...(coinsRebate > 0n ? [earningItem(s.user, coinsRebate, now)] : []),
    ...(paid > 0n ? [retailSessionsRepo.paidMarkerDeleteItem(s.uuid)] : []),
    retailPurchasesRepo.newItem({ user: s.user, participant: s.participant, session: sessionId(s.uuid), amountMinor: s.amountMinor!, ts: at }, s.uuid),
  ];
  try {
    const after = await runStep(s, { ...step, set: { rebateCoins: coinsRebate, confirmedAt: at } }, money);
    log.info('retail purchase confirmed', { session: s.uuid, paid, rebate: coinsRebate });
    return after;
  } catch (err) {
    if (err instanceof InsufficientFundsError && err.account === deposit) throw fail('retail_deposit_insufficient', "the store's coin deposit cannot pay this rebate: the participant must top up first", { rebate_coins: coinsRebate.toString() });
    throw err;
  }
}

/**
 * terminate (a party, or the sweep for an expired session), from any open status: paid coins go back once, out of
 * the month's withdrawals. The step is conditioned on exactly the status read (it decides whether coins return)
 * and the quote read (a read may quote an unpaid session again meanwhile, and the answer shows the quote); when a
 * concurrent update changed the session first, it is read again and terminated from there.
 */
async function terminate(s: RetailSession, side: StatusSide, now: Date): Promise<RetailSession> {
  for (let attempt = 0; ; attempt++) {
    if (!OPEN_STATUSES.includes(s.status)) throw fail('retail_bad_transition', `the session is ${s.status}: it can no longer be terminated`, { status: s.status });
    const paid = s.status === 'payment_set' ? (s.paymentCoins ?? 0n) : 0n;
    const at = now.toISOString();
    const money: GuardedItem[] =
      paid > 0n
        ? [
            ...entryItems({
              idempotencyKey: `retail-return:${s.uuid}`,
              kind: 'retail-return',
              postings: [
                { account: accountIds.retailHold(s.uuid), amount: -paid },
                { account: accountIds.userCoins(s.user), amount: paid },
              ],
            }),
            withdrawalReversalItem(s.user, paid, new Date(s.paidAt!), now),
            retailSessionsRepo.paidMarkerDeleteItem(s.uuid),
          ]
        : [];
    const step: Step = { from: [s.status], to: 'terminate', side, set: { terminatedAt: at, ...(side === 'system' ? { terminatedReason: 'expired' as const } : {}) }, live: false, quotedAt: s.quotedAt, now };
    try {
      await transactWrite([stepItem(s.uuid, step), ...money]);
      log.info('retail session terminated', { session: s.uuid, side, returned: paid });
      return afterStep(s, step);
    } catch (err) {
      if (!(err instanceof SessionStateError) || attempt >= 3) throw err;
      s = (await retailSessionsRepo.get(s.uuid))!;
    }
  }
}

/** The sweep (scheduled): ends paid sessions past their expiry, returning the coins. */
export async function sweepRetailSessions(now = new Date()): Promise<number> {
  const sessions = await retailSessionsRepo.getMany(await retailSessionsRepo.paidExpiredBy(now.toISOString()));
  let ended = 0;
  for (const s of sessions) {
    if (s.status !== 'payment_set') continue;
    try {
      await terminate(s, 'system', now);
      ended++;
    } catch (err) {
      log.warn('retail session not ended by the sweep', { session: s.uuid, error: (err as Error).message });
    }
  }
  return ended;
}
