/**
 * A partner's limits on the shared distribution fund, as a purchase meets them: the per-purchase limit is
 * checked before anything is written; the daily limit is a `budgetTake` counter (per partner, network and UTC
 * day) written in the purchase's own transaction, so concurrent purchases cannot pass it and an order that is
 * replayed (its transaction cancelled by the existing order) spends nothing.
 *
 * The alert: the purchase's transaction first takes its budget only up to the alert threshold. That almost
 * always succeeds and costs nothing extra. When it fails, the counter as it was comes back with the failure:
 * over the limit is a refusal; otherwise the purchase is written again within the whole limit, and the
 * purchase that passed the threshold (the counter was at or below it) marks the day's budget as alerted (a
 * conditional write, so one warning per partner, network and day). A warm function remembers a partner past
 * its threshold for the rest of the day and takes the whole limit at once.
 */
import { budgetTake, budgetWindow, windowBudget } from '../db/counters.js';
import { ConditionFailedError } from '../db/errors.js';
import { fields } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { Network } from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';
import { formatUnits, TOKEN_DECIMALS } from '../ledger/money.js';
import { log } from '../log/index.js';
import { alertThreshold, fundLimitsOf, type FundLimits } from '../partners/limits.js';
import { partnerFundBudgetsRepo, type Partner } from '../partners/repository.js';
import { fail } from './failures.js';

const units = (v: bigint) => `${v} token units (${formatUnits(v, TOKEN_DECIMALS)} tokens)`;

/** The budget refused the take: `taken` is what the day's counter held. */
class BudgetRefusedError extends ConditionFailedError {
  override name = 'BudgetRefusedError';
  constructor(readonly taken: bigint) {
    super(`budget refused at ${taken}`);
  }
}

export interface FundTake {
  network: Network;
  partner: string;
  /** base + match of this purchase. */
  amount: bigint;
  limits: FundLimits;
  day: string;
  now: Date;
}

/** The purchase's take from the fund, with the partner's limits. */
export function fundTakeOf(network: Network, partner: Partner, amount: bigint, now: Date): FundTake {
  return { network, partner: partner.name, amount, limits: fundLimitsOf(partner), day: budgetWindow(now, 'day'), now };
}

/** The refusal of a take over the partner's per-purchase limit (checked before anything is written), if it is. */
export function overPerPurchaseLimit(t: FundTake) {
  if (t.amount <= t.limits.perPurchase) return undefined;
  return fail(
    'purchase_fund_limit_exceeded',
    `this purchase would take ${units(t.amount)} from the distribution fund (base + match); the partner's limit is ${units(t.limits.perPurchase)} per purchase`,
    { limit: t.limits.perPurchase.toString(), amount: t.amount.toString() },
  );
}

function dailyLimitReached(t: FundTake, taken: bigint) {
  return fail(
    'daily_fund_limit_exceeded',
    `the partner's limit on the distribution fund is ${units(t.limits.perDay)} per UTC day; ${units(taken)} taken today, this purchase needs ${units(t.amount)}; it resets at 00:00 UTC`,
    { limit: t.limits.perDay.toString(), taken: taken.toString(), amount: t.amount.toString(), day: t.day },
  );
}

function takeItem(t: FundTake, max: bigint): GuardedItem {
  const take = budgetTake(windowBudget('day', t.now, (day) => keys.partnerFundBudget(t.network, t.partner, day), t.amount, max));
  return {
    item: { Update: { ...take.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    onConditionFailed: (current) => new BudgetRefusedError(current ? fields(current, `Budget ${t.partner} ${t.day}`).optMoney('n') ?? 0n : 0n),
  };
}

/** Partners (per network) this warm function has seen past their alert threshold, with the day. */
const pastThreshold = new Map<string, string>();

/**
 * Runs `write` (the purchase's transaction, given the budget item to include) within the partner's daily
 * limit; throws `daily_fund_limit_exceeded` when it cannot be, and whatever else `write` throws.
 */
export async function withinDailyFundLimit<T>(t: FundTake, write: (budget?: GuardedItem) => Promise<T>): Promise<T> {
  if (t.amount === 0n) return write();
  const scope = `${t.network}#${t.partner}`;
  const withLimit = async () => {
    try {
      return await write(takeItem(t, t.limits.perDay));
    } catch (err) {
      if (err instanceof BudgetRefusedError) throw dailyLimitReached(t, err.taken);
      throw err;
    }
  };
  const threshold = alertThreshold(t.limits);
  if (pastThreshold.get(scope) === t.day || threshold >= t.limits.perDay) return withLimit();

  let before: bigint;
  try {
    return await write(takeItem(t, threshold));
  } catch (err) {
    if (!(err instanceof BudgetRefusedError)) throw err;
    before = err.taken;
  }
  if (before + t.amount > t.limits.perDay) throw dailyLimitReached(t, before);
  const result = await withLimit();
  pastThreshold.set(scope, t.day);
  if (before <= threshold) await alertOnce(t, threshold);
  return result;
}

async function alertOnce(t: FundTake, threshold: bigint): Promise<void> {
  let taken: bigint | undefined;
  try {
    taken = await partnerFundBudgetsRepo.markAlerted(t.network, t.partner, t.day, t.now.toISOString());
    if (taken === undefined) return; // another purchase alerted today
  } catch (err) {
    // The purchase is written: a failed mark must not fail it. Warn anyway (a rare duplicate beats a lost alert).
    log.error('partner fund alert mark failed', { partner: t.partner, network: t.network, error: err });
  }
  log.warn('partner fund take passed the alert share of its daily limit', {
    alert: 'partner_fund_daily_limit',
    partner: t.partner,
    network: t.network,
    day: t.day,
    taken: taken ?? 'unknown',
    limit: t.limits.perDay,
    alertPercent: t.limits.alertPercent,
    threshold,
  });
}
