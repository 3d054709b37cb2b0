/**
 * Cashback cards: earn, redeem, refund, balance, history and card details, on the double-entry ledger.
 *
 * - Balances are ledger accounts per (card, member) in the card currency's minor units; earning credits
 *   the member from the card's issued account, redemption debits the member (never below zero: the
 *   ledger's condition), refund debits what the earning gave.
 * - `reference` makes each operation idempotent per card and type: the same reference returns the first
 *   transaction; the same reference with other parameters is a 409.
 * - Refund rule: with a named earning (transaction_id or original_reference) the cashback due is
 *   floor(earned x refunded-so-far / purchase) minus what earlier refunds of it took (so rounding remainders
 *   carry), never below 0 (an explicit deduction may have taken more ahead) nor above what is left of the
 *   earning; without one it is floor(refund x card percentage). Either way it is capped by what the member
 *   earned on the card and has not had refunded. `cashback_to_deduct` overrides the amount but never a cap
 *   (above one it is refused). When the balance cannot cover what is due, the balance is deducted and
 *   `balance_warning` says what was not.
 * - Earn creates a member it does not find (from email/phone) in the earning's own transaction: a failed
 *   earning leaves no member behind.
 */
import { createHash } from 'node:crypto';
import { countersRepo } from '../db/counters.js';
import { accountIds } from '../db/keys.js';
import { ConditionFailedError, InsufficientFundsError } from '../db/errors.js';
import { cardsRepo, type Card } from './repository/cards.js';
import { ContactTakenError, membersRepo, PinLockedError, type Member, type PinTry } from './repository/members.js';
import { CardReferenceExistsError, cardTxRepo, type CardTx, type CardTxType } from './repository/transactions.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import { fail } from './failures.js';
import { entryItems, getBalance } from '../ledger/index.js';
import { cardsConfig } from '../config/index.js';
import { AmountFormatError, formatAmount, percentNumber, percentOf, toJsonAmount, toMinor } from './money.js';
import { pinHash, type AppCaller } from './auth.js';
import type { EarnInput, HistoryQuery, RedeemInput, RefundInput } from './schema.js';
import type { JsonNumber } from '../ledger/money.js';
import { equalsConstantTime } from '../security/secrets.js';
import { ttlCache } from '../cache.js';

export interface MemberSelector {
  member_id?: number;
  email?: string;
  phone?: string;
}

const MAX_ATTEMPTS = 5;

// Card settings change rarely (admin CLI); warm functions skip the read for APP_CACHE_SECONDS.
const cards = ttlCache<number, Card>(() => Number(cardsConfig().APP_CACHE_SECONDS) * 1000);

export async function requireCard(caller: AppCaller, cardId: number): Promise<Card> {
  const card = await cards.get(cardId, () => cardsRepo.get(cardId));
  // Another app's card is indistinguishable from a missing one.
  if (!card || card.appId !== caller.appId) throw fail('card_not_found', `card ${cardId} not found`);
  return card;
}

export async function findMember(caller: AppCaller, sel: MemberSelector): Promise<Member | undefined> {
  let id = sel.member_id;
  if (id === undefined && sel.email) id = await membersRepo.idByContact(caller.appId, 'email', sel.email);
  if (id === undefined && sel.phone) id = await membersRepo.idByContact(caller.appId, 'phone', sel.phone);
  if (id === undefined) return undefined;
  const member = await membersRepo.get(id);
  return member && member.appId === caller.appId ? member : undefined;
}

export async function requireMember(caller: AppCaller, sel: MemberSelector): Promise<Member> {
  const member = await findMember(caller, sel);
  if (!member) throw fail('member_not_found', sel.member_id !== undefined ? `member ${sel.member_id} not found` : `no member with this ${sel.email ? 'email' : 'phone'}`);
  return member;
}

/**
 * Earn's member: the one selected, or a new one from email/phone (a member_id must exist) with the items
 * that create it, for the earning's transaction to write.
 */
async function earningMember(caller: AppCaller, sel: MemberSelector, name?: string): Promise<{ member: Member; creates: GuardedItem[] }> {
  const existing = await findMember(caller, sel);
  if (existing) return { member: existing, creates: [] };
  if (sel.member_id !== undefined) throw fail('member_not_found', `member ${sel.member_id} not found`);
  const member: Member = { id: await countersRepo.next('member'), appId: caller.appId, email: sel.email, phone: sel.phone, name, pinFailures: 0, createdAt: new Date().toISOString() };
  return { member, creates: membersRepo.newItems(member) };
}

function minor(field: string, value: number | string | JsonNumber, card: Card): bigint {
  let v: bigint;
  try {
    v = toMinor(value, card.currency);
  } catch (err) {
    if (err instanceof AmountFormatError) throw fail('invalid_amount', `${field} ${err.message} for ${card.currency}`);
    throw err;
  }
  if (v <= 0n) throw fail('invalid_amount', `${field} must be at least ${fmt(1n, card)}`);
  return v;
}

const clamp = (v: bigint, min: bigint, max: bigint) => (v < min ? min : v > max ? max : v);

const fmt = (v: bigint, card: Card) => `${formatAmount(v, card.currency)} ${card.currency}`;

const fingerprint = (parts: unknown) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** A transaction already recorded under this reference, when it is the same request; a 409 when it is not. */
async function replayOf(card: Card, type: CardTxType, reference: string | undefined, print: string): Promise<CardTx | undefined> {
  if (!reference) return undefined;
  const tx = await cardTxRepo.byReference(card.id, type, reference);
  if (tx && tx.fingerprint !== print) {
    throw fail('reference_conflict', `reference ${reference} was already used for a different ${type}`, { transaction_id: tx.id });
  }
  return tx;
}

/**
 * Commits a card transaction. A reused reference fails the transaction on its guard item (no read before
 * the write): then the first transaction is answered, or a 409 when the parameters differ.
 */
async function commit(card: Card, tx: CardTx, items: GuardedItem[], print: string): Promise<{ tx: CardTx; replayed: boolean }> {
  try {
    await transactWrite(items);
  } catch (err) {
    if (err instanceof CardReferenceExistsError) {
      const first = await replayOf(card, tx.type, tx.reference, print);
      if (first) return { tx: first, replayed: true };
    }
    throw err;
  }
  // The answer's new_balance: the balance right after this transaction (concurrent ones may be included).
  const newBalance = await getBalance(accountIds.cardMember(card.id, tx.memberId));
  await cardTxRepo.recordNewBalance(tx, newBalance);
  return { tx: { ...tx, newBalance }, replayed: false };
}

export async function earn(caller: AppCaller, input: EarnInput) {
  const card = await requireCard(caller, input.card_id);
  const purchase = minor('purchase_amount', input.purchase_amount, card);
  for (let attempt = 1; ; attempt++) {
    const { member, creates } = await earningMember(caller, input, input.member_name);
    try {
      return await earnAs(card, member, creates, purchase, input);
    } catch (err) {
      // A concurrent earn created this member first: earn as that one.
      if (!(err instanceof ContactTakenError) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

/** One earning of `member`; `creates` (a new member's items) go first in its transaction, so a taken contact is what fails. */
async function earnAs(card: Card, member: Member, creates: GuardedItem[], purchase: bigint, input: EarnInput) {
  const print = fingerprint({ member: member.id, purchase: purchase.toString(), metadata: input.metadata ?? null });
  const now = new Date().toISOString();

  let cashback = purchase < card.minAmount ? 0n : percentOf(purchase, card.cashbackPercentage);
  if (card.maxAmount !== undefined && cashback > card.maxAmount) cashback = card.maxAmount;
  const view = (tx: CardTx | undefined, balance: bigint, skippedReason?: string) => ({
    transaction_id: tx?.id ?? null,
    purchase_amount: toJsonAmount(tx?.purchaseAmount ?? purchase, card.currency),
    cashback_percentage: percentNumber(card.cashbackPercentage),
    cashback_earned: toJsonAmount(tx?.amount ?? 0n, card.currency),
    new_balance: toJsonAmount(balance, card.currency),
    member_id: member.id,
    card_id: card.id,
    earned_at: tx?.createdAt ?? now,
    reference: input.reference ?? null,
    ...(skippedReason ? { cashback_skipped_reason: skippedReason } : {}),
  });

  if (cashback === 0n) {
    const reason =
      purchase < card.minAmount
        ? `purchase_amount is below the card's cashback_min_amount (${fmt(card.minAmount, card)}): no cashback earned`
        : 'the cashback on this amount rounds down to zero';
    if (creates.length) await transactWrite(creates);
    return view(undefined, await getBalance(accountIds.cardMember(card.id, member.id)), reason);
  }

  const tx: CardTx = {
    id: await countersRepo.next('cardtx'),
    cardId: card.id,
    memberId: member.id,
    type: 'earning',
    amount: cashback,
    reference: input.reference,
    fingerprint: print,
    purchaseAmount: purchase,
    cashbackRefunded: 0n,
    purchaseRefunded: 0n,
    metadata: input.metadata,
    createdAt: now,
  };
  const items = [
    ...creates,
    ...cardTxRepo.newItems(tx, cashback),
    ...entryItems({
      idempotencyKey: `card-tx:${tx.id}`,
      kind: 'card-earning',
      postings: [
        { account: accountIds.cardIssued(card.id), amount: -cashback, allowNegative: true },
        { account: accountIds.cardMember(card.id, member.id), amount: cashback },
      ],
    }),
  ];
  const done = await commit(card, tx, items, print);
  return view(done.tx, done.tx.newBalance ?? 0n);
}

const lockedFailure = (until: string, message = `the PIN is locked after repeated wrong PINs until ${until}`, details: Record<string, unknown> = {}) =>
  fail('pin_locked', message, { locked_until: until, ...details });

/**
 * Checks the member's PIN. A try is taken first, by one conditional update (refused while locked; the last
 * try sets the lock), then the PIN is compared; a right PIN forgives the tries (not a lock another try set
 * meanwhile). So parallel guesses get at most PIN_MAX_FAILURES comparisons. Returns the hash that matched.
 */
async function verifyPin(member: Member, pin: string): Promise<string> {
  if (!member.pinHash) throw fail('pin_not_set', 'the member has not set a PIN: set one with POST /api/v1/cashback/members/pin');
  const cfg = cardsConfig();
  const max = Number(cfg.PIN_MAX_FAILURES);
  const now = new Date();
  const lockUntil = new Date(now.getTime() + Number(cfg.PIN_LOCK_SECONDS) * 1000).toISOString();
  let taken: PinTry;
  try {
    taken = await membersRepo.takePinTry(member.id, member, max, lockUntil, now.toISOString());
  } catch (err) {
    if (err instanceof PinLockedError) throw lockedFailure(err.lockedUntil);
    throw err;
  }
  if (taken.pinHash && equalsConstantTime(pinHash(member.id, pin), taken.pinHash)) {
    await membersRepo.clearPinFailures(member.id, taken, now.toISOString());
    return taken.pinHash;
  }
  if (taken.lockedUntil) throw lockedFailure(taken.lockedUntil, `wrong PIN; the PIN is locked until ${taken.lockedUntil}`, { tries_left: 0 });
  throw fail('invalid_pin', `wrong PIN (${max - taken.failures} tries left before the PIN locks)`, { tries_left: max - taken.failures });
}

async function checkPin(card: Card, member: Member, pin: string | undefined): Promise<void> {
  if (member.pinLockedUntil && member.pinLockedUntil > new Date().toISOString()) throw lockedFailure(member.pinLockedUntil);
  if (pin === undefined) {
    if (card.pinRequired) throw fail('pin_required', 'this card requires the member PIN to redeem');
    return;
  }
  if (!card.allowsPinRedemption) throw fail('pin_redemption_disabled', 'this card does not allow PIN redemption');
  await verifyPin(member, pin);
}

export async function redeem(caller: AppCaller, memberId: number, input: RedeemInput) {
  const card = await requireCard(caller, input.card_id);
  const member = await requireMember(caller, { member_id: memberId });
  const amount = minor('amount', input.amount, card);
  await checkPin(card, member, input.pin);
  const print = fingerprint({ member: member.id, amount: amount.toString() });
  const view = (tx: CardTx) => ({
    transaction_id: tx.id,
    amount_redeemed: toJsonAmount(-tx.amount, card.currency),
    new_balance: toJsonAmount(tx.newBalance ?? 0n, card.currency),
    member_id: member.id,
    card_id: card.id,
    redeemed_at: tx.createdAt,
    reference: tx.reference ?? null,
  });
  const tx: CardTx = {
    id: await countersRepo.next('cardtx'),
    cardId: card.id,
    memberId: member.id,
    type: 'redemption',
    amount: -amount,
    reference: input.reference,
    fingerprint: print,
    createdAt: new Date().toISOString(),
  };
  const account = accountIds.cardMember(card.id, member.id);
  const items = [
    ...cardTxRepo.newItems(tx, 0n),
    ...entryItems({
      idempotencyKey: `card-tx:${tx.id}`,
      kind: 'card-redemption',
      postings: [
        { account, amount: -amount },
        { account: accountIds.cardRedeemed(card.id), amount },
      ],
    }),
  ];
  try {
    return view((await commit(card, tx, items, print)).tx);
  } catch (err) {
    if (err instanceof InsufficientFundsError) {
      const balance = await getBalance(account);
      throw fail('insufficient_balance', `cashback balance ${fmt(balance, card)} is less than ${fmt(amount, card)}`, {
        cashback_balance: toJsonAmount(balance, card.currency),
      });
    }
    throw err;
  }
}

async function namedEarning(card: Card, member: Member, input: RefundInput): Promise<CardTx | undefined> {
  let earning: CardTx | undefined;
  if (input.transaction_id !== undefined) {
    earning = await cardTxRepo.get(card.id, member.id, input.transaction_id);
    if (!earning || earning.type !== 'earning') throw fail('earning_not_found', `earning ${input.transaction_id} not found for this member and card`);
  } else if (input.original_reference !== undefined) {
    earning = await cardTxRepo.byReference(card.id, 'earning', input.original_reference);
    if (!earning || earning.memberId !== member.id) throw fail('earning_not_found', `no earning with reference ${input.original_reference} for this member and card`);
  }
  return earning;
}

export async function refund(caller: AppCaller, input: RefundInput) {
  const card = await requireCard(caller, input.card_id);
  const member = await requireMember(caller, input);
  const refundAmount = minor('refund_amount', input.refund_amount, card);
  const explicit = input.cashback_to_deduct === undefined ? undefined : minor('cashback_to_deduct', input.cashback_to_deduct, card);
  const print = fingerprint({
    member: member.id,
    refund: refundAmount.toString(),
    explicit: explicit?.toString() ?? null,
    earning: input.transaction_id ?? input.original_reference ?? null,
  });
  const view = (tx: CardTx) => {
    const deducted = -tx.amount;
    const after = tx.newBalance ?? 0n;
    return {
      transaction_id: tx.id,
      cashback_deducted: toJsonAmount(deducted, card.currency),
      refund_amount: toJsonAmount(tx.refundAmount ?? refundAmount, card.currency),
      previous_balance: toJsonAmount(after + deducted, card.currency),
      new_balance: toJsonAmount(after, card.currency),
      currency: card.currency,
      member_id: member.id,
      card_id: card.id,
      reference: tx.reference ?? null,
      balance_warning: tx.balanceWarning ?? null,
      refunded_at: tx.createdAt,
      ...(tx.earningId !== undefined ? { earning_transaction_id: tx.earningId } : {}),
    };
  };
  // Checked first here: the computation below may refuse (the earning is used up) what is really a replay.
  const first = await replayOf(card, 'refund', input.reference, print);
  if (first) return view(first);

  const txId = await countersRepo.next('cardtx');
  const account = accountIds.cardMember(card.id, member.id);
  for (let attempt = 1; ; attempt++) {
    const [earning, { refundable }] = await Promise.all([namedEarning(card, member, input), cardTxRepo.summary(card.id, member.id)]);
    let due: bigint;
    if (earning) {
      const purchase = earning.purchaseAmount ?? 0n;
      const refundedBefore = earning.purchaseRefunded ?? 0n;
      if (refundedBefore + refundAmount > purchase) {
        throw fail('refund_exceeds_purchase', `refund_amount exceeds what is left of the purchase (${fmt(purchase - refundedBefore, card)})`);
      }
      const consumed = earning.cashbackRefunded ?? 0n;
      const remaining = earning.amount - consumed;
      if (explicit !== undefined && explicit > remaining) {
        throw fail('deduction_exceeds_earning', `cashback_to_deduct exceeds the cashback left on that earning (${fmt(remaining, card)})`);
      }
      // Proportional: what the purchase refunded so far earned, less what earlier refunds took (an explicit one may have taken more).
      due = explicit ?? clamp((earning.amount * (refundedBefore + refundAmount)) / purchase - consumed, 0n, remaining);
    } else {
      due = explicit ?? percentOf(refundAmount, card.cashbackPercentage);
    }
    if (explicit !== undefined && explicit > refundable) {
      throw fail('deduction_exceeds_earnings', `cashback_to_deduct exceeds the cashback earned and not yet refunded (${fmt(refundable, card)})`);
    }
    // Refunds that name no earning consume the member's refundable cashback without consuming an earning.
    if (due > refundable) due = refundable;
    const balance = await getBalance(account);
    const deducted = due < balance ? due : balance;
    const tx: CardTx = {
      id: txId,
      cardId: card.id,
      memberId: member.id,
      type: 'refund',
      amount: -deducted,
      reference: input.reference,
      fingerprint: print,
      refundAmount,
      earningId: earning?.id,
      cashbackDue: due,
      balanceWarning:
        deducted < due ? `balance ${fmt(balance, card)} covered only part of the ${fmt(due, card)} due: ${fmt(due - deducted, card)} was not deducted` : undefined,
      createdAt: new Date().toISOString(),
    };
    const items = [
      ...cardTxRepo.newItems(tx, -due),
      ...(earning ? [cardTxRepo.consumeEarningItem(earning, due, refundAmount, tx.createdAt)] : []),
      ...(deducted > 0n
        ? entryItems({
            idempotencyKey: `card-tx:${tx.id}`,
            kind: 'card-refund',
            postings: [
              { account, amount: -deducted },
              { account: accountIds.cardIssued(card.id), amount: deducted, allowNegative: true },
            ],
          })
        : []),
    ];
    try {
      return view((await commit(card, tx, items, print)).tx);
    } catch (err) {
      // The balance or the earning moved under us (a concurrent redeem or refund): recompute.
      const raced = err instanceof InsufficientFundsError || (err instanceof ConditionFailedError && !(err instanceof CardReferenceExistsError));
      if (!raced || attempt >= MAX_ATTEMPTS) throw err instanceof ConditionFailedError ? fail('balance_changed', 'the balance changed concurrently, retry') : err;
    }
  }
}

export async function balance(caller: AppCaller, cardId: number, memberId: number) {
  const card = await requireCard(caller, cardId);
  const member = await requireMember(caller, { member_id: memberId });
  return {
    card_id: card.id,
    member_id: member.id,
    cashback_balance: toJsonAmount(await getBalance(accountIds.cardMember(card.id, member.id)), card.currency),
    cashback_percentage: percentNumber(card.cashbackPercentage),
    reward_system: 'cashback' as const,
    currency: card.currency,
    queried_at: new Date().toISOString(),
  };
}

const EVENTS: Record<CardTxType, string> = { earning: 'cashback_earned', redemption: 'cashback_redeemed', refund: 'cashback_refunded' };

export async function history(caller: AppCaller, q: HistoryQuery) {
  const card = await requireCard(caller, q.card_id);
  const member = await requireMember(caller, { member_id: q.member_id });
  const [{ txCount }, txs] = await Promise.all([cardTxRepo.summary(card.id, member.id), cardTxRepo.listNewestFirst(card.id, member.id, q.limit, q.offset)]);
  return {
    card_id: card.id,
    member_id: member.id,
    transactions: txs.map((tx) => ({
      id: tx.id,
      type: tx.type,
      amount: toJsonAmount(tx.amount, card.currency),
      points: 0,
      event: EVENTS[tx.type],
      reference: tx.reference ?? null,
      created_at: tx.createdAt,
    })),
    pagination: { limit: q.limit, offset: q.offset, total: txCount, has_more: q.offset + txs.length < txCount },
  };
}

export function cardView(card: Card) {
  return {
    id: card.id,
    unique_identifier: card.uniqueIdentifier,
    name: card.name,
    description: card.description,
    reward_system: 'cashback' as const,
    currency: card.currency,
    cashback_config: {
      cashback_percentage: percentNumber(card.cashbackPercentage),
      cashback_min_amount: toJsonAmount(card.minAmount, card.currency),
      cashback_max_amount: card.maxAmount === undefined ? null : toJsonAmount(card.maxAmount, card.currency),
      allows_pin_redemption: card.allowsPinRedemption,
      pin_required: card.pinRequired,
    },
  };
}

export async function listCards(caller: AppCaller) {
  const cards = (await cardsRepo.listByApp(caller.appId)).sort((a, b) => a.id - b.id);
  return { cards: cards.map(cardView), total: cards.length };
}

/**
 * Sets or replaces the member's PIN, with proof beyond the member token: the current PIN (a wrong one counts
 * as a PIN failure; refused while locked), or a member token issued by an OTP verification at most
 * PIN_CHANGE_FRESH_SECONDS ago. Never lifts a lock nor forgives failures: a new PIN is not a new guess budget.
 */
export async function setMemberPin(caller: AppCaller, memberId: number, input: { pin: string; current_pin?: string }, tokenIssuedAt?: number) {
  const member = await requireMember(caller, { member_id: memberId });
  const newHash = pinHash(member.id, input.pin);
  if (input.current_pin !== undefined) {
    const current = await verifyPin(member, input.current_pin);
    if (!(await membersRepo.setPin(member.id, newHash, new Date().toISOString(), current))) {
      throw fail('invalid_pin', 'the PIN was changed by another request meanwhile: send the current one');
    }
  } else {
    const fresh = Number(cardsConfig().PIN_CHANGE_FRESH_SECONDS);
    if (tokenIssuedAt === undefined || Date.now() - tokenIssuedAt > fresh * 1000) {
      const how = member.pinHash ? 'send current_pin, or verify the member by OTP again' : 'verify the member by OTP again';
      throw fail('pin_proof_required', `setting the PIN needs a member token from an OTP verification at most ${fresh} seconds old: ${how}`, { fresh_seconds: fresh });
    }
    await membersRepo.setPin(member.id, newHash, new Date().toISOString());
  }
  return { member_id: member.id, pin_set: true as const };
}
