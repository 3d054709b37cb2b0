/**
 * Cards ledger invariants under random sequences of earns, redeems and refunds (named and not, proportional
 * and explicit, partial and full) on a few members, in-process against the stack's DynamoDB: each member's
 * history sums to its ledger balance, no balance is negative, no refund deducts a negative amount, and no
 * earning gives back more than it paid (nor refunds in all more than the member earned).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp, createCard } from '../../lib/cards/admin.js';
import type { AppCaller } from '../../lib/cards/auth.js';
import { earn, history, redeem, refund } from '../../lib/cards/index.js';
import { cardTxRepo } from '../../lib/cards/repository/transactions.js';
import { accountIds } from '../../lib/db/keys.js';
import { isFailure } from '../../lib/errors.js';
import { stringify } from '../../lib/json.js';
import { getBalance } from '../../lib/ledger/index.js';
import { uniq } from '../fixtures/stack.js';

/** The refusals a random sequence may meet; anything else fails the property. */
const EXPECTED = ['insufficient_balance', 'refund_exceeds_purchase', 'deduction_exceeds_earning', 'deduction_exceeds_earnings'] as const;

/** An answer's JSON amount (a USD card: 2 decimals) in cents. */
const cents = (amount: unknown) => Math.round(Number(stringify(amount)) * 100);
const major = (c: number) => (c / 100).toFixed(2);

type Op =
  | { kind: 'earn'; who: number; cents: number }
  | { kind: 'redeem'; who: number; cents: number }
  | { kind: 'refund'; who: number; earning: number | undefined; share: number; full: boolean; deduct: number | undefined };

const who = fc.nat(2);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('earn' as const), who, cents: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ kind: fc.constant('redeem' as const), who, cents: fc.integer({ min: 1, max: 1_500 }) }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      who,
      earning: fc.option(fc.nat(4), { nil: undefined, freq: 4 }),
      share: fc.integer({ min: 1, max: 100 }),
      full: fc.boolean(),
      deduct: fc.option(fc.integer({ min: 1, max: 1_500 }), { nil: undefined, freq: 2 }),
    }),
  },
);

interface Earning {
  id: number;
  cashback: number;
  purchase: number;
  purchaseRefunded: number;
  deducted: number;
}

async function play(members: number, percentage: string, ops: Op[]): Promise<void> {
  const app = await createApp(uniq('inv-app'));
  const card = await createCard(app.appId, { name: 'Invariant card', cashbackPercentage: percentage, minAmount: '0' });
  const caller: AppCaller = { appId: app.appId, keyId: 'test', scopes: ['cashback_read', 'cashback_write', 'card_read'] };
  const ids: number[] = [];
  const earnings = new Map<number, Earning[]>();
  let earned = 0;
  let refunded = 0;
  for (let i = 0; i < members; i++) {
    const first = await earn(caller, { card_id: card.id, email: `${uniq('inv')}@example.com`, purchase_amount: '100.00' });
    ids.push(first.member_id);
    earnings.set(first.member_id, [{ id: first.transaction_id!, cashback: cents(first.cashback_earned), purchase: 10_000, purchaseRefunded: 0, deducted: 0 }]);
    earned += cents(first.cashback_earned);
  }
  const attempt = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      if (!isFailure(err, ...EXPECTED)) throw err;
    }
  };

  for (const op of ops) {
    const member_id = ids[op.who % ids.length]!;
    const own = earnings.get(member_id)!;
    if (op.kind === 'earn') {
      const done = await earn(caller, { card_id: card.id, member_id, purchase_amount: major(op.cents) });
      if (done.transaction_id !== null) {
        own.push({ id: done.transaction_id, cashback: cents(done.cashback_earned), purchase: op.cents, purchaseRefunded: 0, deducted: 0 });
        earned += cents(done.cashback_earned);
      }
    } else if (op.kind === 'redeem') {
      await attempt(async () => {
        expect(cents((await redeem(caller, member_id, { card_id: card.id, amount: major(op.cents) })).new_balance)).toBeGreaterThanOrEqual(0);
      });
    } else {
      const target = op.earning === undefined ? undefined : own[op.earning % own.length];
      const left = target ? target.purchase - target.purchaseRefunded : 0;
      // Named: a share of what is left of the purchase (all of it when `full`; 0.01 when nothing is left). Not named: any amount.
      const refundCents = target ? (op.full ? Math.max(left, 1) : Math.max(1, Math.floor((left * op.share) / 100))) : op.share * 100;
      await attempt(async () => {
        const done = await refund(caller, {
          card_id: card.id,
          member_id,
          refund_amount: major(refundCents),
          ...(op.deduct !== undefined ? { cashback_to_deduct: major(op.deduct) } : {}),
          ...(target ? { transaction_id: target.id } : {}),
        });
        const deducted = cents(done.cashback_deducted);
        expect(deducted).toBeGreaterThanOrEqual(0);
        expect(cents(done.new_balance)).toBeGreaterThanOrEqual(0);
        expect(cents(done.previous_balance) - cents(done.new_balance)).toBe(deducted);
        refunded += deducted;
        if (target) {
          expect(done.earning_transaction_id).toBe(target.id);
          target.purchaseRefunded += refundCents;
          target.deducted += deducted;
          expect(target.deducted, `refunds of earning ${target.id}`).toBeLessThanOrEqual(target.cashback);
          // The earning's refunded totals only grow, and never past the earning.
          const stored = (await cardTxRepo.get(card.id, member_id, target.id))!;
          expect(stored.purchaseRefunded).toBe(BigInt(target.purchaseRefunded));
          expect(stored.cashbackRefunded! >= BigInt(target.deducted) && stored.cashbackRefunded! <= stored.amount).toBe(true);
        }
      });
    }
  }

  expect(refunded).toBeLessThanOrEqual(earned);
  for (const member_id of ids) {
    const balance = await getBalance(accountIds.cardMember(card.id, member_id));
    expect(balance).toBeGreaterThanOrEqual(0n);
    const h = await history(caller, { card_id: card.id, member_id, limit: 100, offset: 0 });
    expect(h.pagination.has_more).toBe(false);
    expect(h.transactions.reduce((sum, t) => sum + cents(t.amount), 0), `history of member ${member_id}`).toBe(Number(balance));
    for (const t of h.transactions) expect(t.type === 'earning' ? cents(t.amount) > 0 : cents(t.amount) <= 0, `${t.type} ${t.id}`).toBe(true);
  }
}

describe('cards ledger invariants', () => {
  it('history sums to the balance; refunds never exceed their earnings; balances never go negative', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.constantFrom('5', '7.5', '12.5'), fc.array(opArb, { minLength: 1, maxLength: 12 }), play),
      {
        numRuns: 15,
        // Always played: an explicit deduction above the proportional share, then proportional refunds of the rest.
        examples: [
          [
            1,
            '5',
            [
              { kind: 'earn', who: 0, cents: 10_000 },
              { kind: 'refund', who: 0, earning: 0, share: 10, full: false, deduct: 400 },
              { kind: 'refund', who: 0, earning: 0, share: 10, full: false, deduct: undefined },
              { kind: 'refund', who: 0, earning: 0, share: 100, full: true, deduct: undefined },
            ],
          ],
        ],
      },
    );
  }, 30_000);
});
