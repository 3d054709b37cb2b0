/**
 * Earnings and withdrawals by month. A month is a calendar month in WITHDRAWAL_TIMEZONE (an IANA zone; its
 * boundaries are computed with Intl, so daylight saving is followed). Every reward paid to a user and every
 * deposit credited adds to the month's `earnCoins`, and every withdrawal to its `transferCoins`, each in the
 * same transaction as its ledger entry, so the totals never disagree with the ledger.
 */
import { withdrawalsConfig } from '../config/index.js';
import { localDate, startOfLocalDay } from '../local-days.js';
import { fail } from './failures.js';
import { withdrawalMonthsRepo } from './repository.js';
import type { GuardedItem } from '../db/transact.js';

/** A month: `YYYY-MM`. */
export type Period = string;

/** The month holding `at` in `timeZone`. */
export function periodOf(at: Date, timeZone: string): Period {
  return localDate(at.getTime(), timeZone).slice(0, 7);
}

/** The instant a month starts in `timeZone` (its local midnight on the 1st). */
export function periodStart(period: Period, timeZone: string): Date {
  return new Date(startOfLocalDay(`${period}-01`, timeZone));
}

export function nextPeriod(period: Period): Period {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7);
}

/** The month of `at` and its boundaries [from, to) in `timeZone`. */
export function periodAround(at: Date, timeZone: string): { period: Period; from: Date; to: Date } {
  const period = periodOf(at, timeZone);
  return { period, from: periodStart(period, timeZone), to: periodStart(nextPeriod(period), timeZone) };
}

const timeZone = () => withdrawalsConfig().WITHDRAWAL_TIMEZONE;

/** The transaction item recording coins a user earned (a reward, a deposit) in the month of `at`. */
export function earningItem(user: string, coins: bigint, at: Date): GuardedItem {
  return withdrawalMonthsRepo.addItem(user, periodOf(at, timeZone()), { earnCoins: coins }, at.toISOString());
}

/**
 * The transaction item recording a withdrawal of `coins` by a user (any type: Ethereum transfers now; bank,
 * Coinbase and Poloniex withdrawals call it in their own transactions). A withdrawal that is undone (a rejected
 * transfer) calls `withdrawalReversalItem` with the time it was requested: it leaves the month it counted in.
 * `max`: the most the month's withdrawn coins may reach with this one (over_withdrawal_limit beyond it), checked
 * by the item's condition so concurrent withdrawals can never together exceed it.
 */
export function withdrawalItem(user: string, coins: bigint, at: Date, max?: bigint): GuardedItem {
  const limit =
    max === undefined
      ? undefined
      : { maxTransferCoins: max, onOverLimit: () => fail('over_withdrawal_limit', 'the withdrawal is beyond what you may still withdraw this month', { max_transfer_coins: max.toString() }) };
  return withdrawalMonthsRepo.addItem(user, periodOf(at, timeZone()), { transferCoins: coins }, at.toISOString(), true, limit);
}

export function withdrawalReversalItem(user: string, coins: bigint, requestedAt: Date, now = new Date()): GuardedItem {
  return withdrawalMonthsRepo.addItem(user, periodOf(requestedAt, timeZone()), { transferCoins: -coins }, now.toISOString(), false);
}
