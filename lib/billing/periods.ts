/**
 * Billing periods and what each payment of a plan is made of. Pure: every amount is exact (bigint minor units),
 * every date a UTC day (`YYYY-MM-DD`).
 *
 * The rules (README "Billing"):
 *   - A paid period runs from its first day (`paid_from`) for one calendar month (the same day of the next
 *     month, or that month's last day when it is shorter) plus the days of a promo code redeemed with it; it
 *     ends on `paid_to`, the first day of the next period.
 *   - Each payment charges the plan's cost for the new period, plus the rewards coins the participant used in
 *     the period that ends (each UTC day belongs to the period containing it) at that period's plan's
 *     `coin_rate` (currency per whole coin), floored to the cent.
 *   - A plan change starts a new period on the day of the change. The unused part of the period it cuts short
 *     is credited: floor(what that period's plan part cost × days left / days in the period). Credit larger than
 *     the charge is carried to the next payments, never lost and never paid out.
 */
import { MINOR_UNITS_PER_MAJOR, type Fraction } from './plans.js';
import { TOKEN_DECIMALS } from '../ledger/money.js';

const DAY_MS = 86_400_000;
const COIN = 10n ** BigInt(TOKEN_DECIMALS);

export const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const time = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, days: number) => dayOf(new Date(time(day) + days * DAY_MS));
export const daysBetween = (from: string, to: string) => Math.round((time(to) - time(from)) / DAY_MS);

/** The same day of the next month, or the next month's last day when it has no such day (Jan 31 -> Feb 28/29). */
export function addMonth(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m, 1)); // first day of the next month (months are 0-based in Date.UTC)
  const last = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  return dayOf(new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth(), Math.min(d, last))));
}

/** The day a plan's commitment ends (a downgrade or termination is possible from then on). */
export const commitmentEnd = (planFrom: string, weeks: number) => addDays(planFrom, 7 * weeks);

/** Minor units for `coins` (wei) at `rate` currency per whole coin, floored. */
export function usageMinor(coins: bigint, rate: Fraction): bigint {
  return (coins * rate.num * MINOR_UNITS_PER_MAJOR) / (rate.den * COIN);
}

/** The unused part of a period cut short on `day`: floor(cost × days left / days in the period). */
export function unusedCredit(costMinor: bigint, paidFrom: string, paidTo: string, day: string): bigint {
  const total = daysBetween(paidFrom, paidTo);
  const left = Math.min(total, Math.max(0, daysBetween(day, paidTo)));
  return total <= 0 ? 0n : (costMinor * BigInt(left)) / BigInt(total);
}

export interface PaymentRow {
  /** Minor units; negative for a credit. */
  amountMinor: bigint;
  description: string;
}

export interface Quote {
  rows: PaymentRow[];
  /** What the card is charged: the rows' sum (never below zero: an excess of credit is carried). */
  amountMinor: bigint;
  /** Credit left to carry to the next payments. */
  creditLeftMinor: bigint;
}

export interface QuoteInput {
  /** The plan paid for from `periodFrom` to `periodTo`; absent when no new period is bought (a contract's end). */
  plan?: { id: string; costMinor: bigint; periodFrom: string; periodTo: string };
  /** Rewards coins used in the period that ends, and what that period's plan charged per coin. */
  usage?: { coins: bigint; rate: Fraction; from: string; to: string };
  /** The unused part of the period a change cuts short. */
  unused?: { plan: string; creditMinor: bigint; from: string; to: string };
  promo?: { code: string; days: number };
  /** Credit carried from earlier payments. */
  carriedMinor: bigint;
}

/** The rows of one payment, in the order the history shows them, and the amount they come to. */
export function quote(input: QuoteInput): Quote {
  const rows: PaymentRow[] = [];
  if (input.plan) {
    rows.push({ amountMinor: input.plan.costMinor, description: `Selected plan - "${input.plan.id}". Paid period: from ${input.plan.periodFrom} to ${input.plan.periodTo}` });
  }
  if (input.promo) rows.push({ amountMinor: 0n, description: `Promo code "${input.promo.code}": ${input.promo.days} days added to the paid period` });
  const used = input.usage ? usageMinor(input.usage.coins, input.usage.rate) : 0n;
  if (input.usage && used > 0n) rows.push({ amountMinor: used, description: `Used rewards coins. Paid period: from ${input.usage.from} to ${input.usage.to}` });
  if (input.unused && input.unused.creditMinor > 0n) {
    rows.push({ amountMinor: -input.unused.creditMinor, description: `Unused part of plan "${input.unused.plan}": from ${input.unused.from} to ${input.unused.to}` });
  }
  if (input.carriedMinor > 0n) rows.push({ amountMinor: -input.carriedMinor, description: 'Credit carried from earlier payments' });
  const sum = rows.reduce((s, r) => s + r.amountMinor, 0n);
  if (sum >= 0n) return { rows, amountMinor: sum, creditLeftMinor: 0n };
  // More credit than charge: the excess is carried, and the rows still add up to what is charged.
  rows.push({ amountMinor: -sum, description: 'Credit carried to the next payment' });
  return { rows, amountMinor: 0n, creditLeftMinor: -sum };
}

/** A minor-unit amount as the payment history writes it: major units with two decimals ("415.00", "-97.50"). */
export function formatMinor(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / MINOR_UNITS_PER_MAJOR}.${String(abs % MINOR_UNITS_PER_MAJOR).padStart(2, '0')}`;
}
