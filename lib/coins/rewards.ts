/**
 * Rewards paid by participants: coins move from the participant's deposit to the user's coins in one ledger
 * entry, keyed so a retried reward pays once, and the participant's rewards usage for the day (what its
 * billing period charges at the plan's coin rate) grows in the same transaction.
 */
import { InsufficientFundsError } from '../db/errors.js';
import { DuplicateEntryError } from '../db/ledger.js';
import { accountIds } from '../db/keys.js';
import { transactWrite } from '../db/transact.js';
import { entryItems, getEntry } from '../ledger/index.js';
import { rewardsUsageItem } from '../billing/usage.js';
import { dayOf } from '../billing/periods.js';
import { earningItem } from '../withdrawals/earnings.js';
import { fail } from './failures.js';

export interface Reward {
  participant: string;
  user: string;
  /** Wei, positive. */
  coins: bigint;
  /** The same key pays once. */
  idempotencyKey: string;
}

/** Pays the reward; false when a reward with this key was paid before. */
export async function payReward(reward: Reward, now = new Date()): Promise<boolean> {
  if (reward.coins <= 0n) throw new RangeError('a reward is a positive number of coins');
  try {
    await transactWrite([
      ...entryItems({
        idempotencyKey: `reward:${reward.idempotencyKey}`,
        kind: 'participant-reward',
        memo: reward.user,
        postings: [
          { account: accountIds.userCoins(reward.participant), amount: -reward.coins },
          { account: accountIds.userCoins(reward.user), amount: reward.coins },
        ],
      }),
      rewardsUsageItem(reward.participant, reward.coins, dayOf(now), now.toISOString()),
      // The user's earnings of the month (withdrawal limits, earnings statement).
      earningItem(reward.user, reward.coins, now),
    ]);
    return true;
  } catch (err) {
    if (err instanceof DuplicateEntryError) return false;
    if (err instanceof InsufficientFundsError) throw fail('insufficient_coins', `the participant's deposit has fewer than the reward's coins`);
    throw err;
  }
}

/**
 * A reward credited by the system role or an operator, once per `ref`: `credited` false when that ref was
 * credited before. The ref names one reward: another participant, user or amount with it is refused.
 */
export async function creditReward(reward: Reward): Promise<{ credited: boolean }> {
  if (await payReward(reward)) return { credited: true };
  const entry = await getEntry(`reward:${reward.idempotencyKey}`);
  const same =
    entry?.postings.length === 2 &&
    entry.postings.some((p) => p.account === accountIds.userCoins(reward.participant) && p.amount === -reward.coins) &&
    entry.postings.some((p) => p.account === accountIds.userCoins(reward.user) && p.amount === reward.coins);
  if (!same) throw fail('reward_ref_reused', 'this ref was already used for a reward of another participant, user or amount', { ref: reward.idempotencyKey });
  return { credited: false };
}
