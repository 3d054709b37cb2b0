/**
 * The loyalty level engine, pure (no I/O, no clock): from a program, a user's confirmed purchases at its
 * participant and `now`, the user's level, its rebate, the next level with how far each of its rules is, and
 * the activity window the app shows.
 *
 * - A rule with `period_days` D counts the purchases from the start of local day (today - D + 1) in the
 *   program's time zone up to now: windows are whole calendar days there and move at local midnight.
 * - A level is reached when every one of its rules passes (purchases_count: at least that many purchases;
 *   spends: at least that many cents spent). The base level (the first, with no rules) always passes. The
 *   user's level is the highest level, in the program's order, whose rules all pass (a lower level need not
 *   pass: a big spender with few purchases can reach a level whose only rule is spends).
 * - The next level is the one after the user's level (none at the top); the activity window is the widest
 *   window of its rules (at the top, of the user's level's rules; with no rules at all, today).
 */
import type { Fraction } from '../ledger/money.js';
import { parseFraction } from '../ledger/money.js';
import { addDays, localDate, offsetMinutes, startOfLocalDay, type LocalDate } from '../local-days.js';

export type LevelRule = { type: 'purchases_count'; purchases_count: number; period_days: number } | { type: 'spends'; spends: number; period_days: number };

export interface ProgramLevel {
  level_id: string;
  rules: LevelRule[];
}

export interface LevelRebate {
  level_id: string;
  /** Decimal text, exact ("15", "12.5"). */
  rebate_percents: string;
}

/** What the engine reads of a program. */
export interface LevelProgram {
  levelUp: readonly ProgramLevel[];
  rebate: readonly LevelRebate[];
  timezone: string;
}

/** A confirmed purchase as the engine counts it. */
export interface CountedPurchase {
  /** Cents of the program's currency. */
  amountMinor: bigint;
  /** The session urn. */
  session: string;
  /** ISO-8601 instant. */
  ts: string;
}

export interface RuleStanding {
  rule: LevelRule;
  pass: boolean;
  /** Purchases counted (purchases_count) or cents spent (spends) in the rule's window. */
  userValue: number | bigint;
}

export interface ActivityWindow {
  fromDate: LocalDate;
  /** The window's first instant (local midnight of fromDate). */
  from: Date;
  toDate: LocalDate;
  /** The window's last second: the end of today, local. */
  to: Date;
  purchasesCount: number;
  spends: bigint;
  /** Session urns of the purchases counted, oldest first. */
  sessions: string[];
}

export interface LevelStanding {
  level: string;
  /** The level's rebate in percent, exact (25 -> 25/1). */
  rebate: Fraction;
  rebatePercents: string;
  /** The next level's id; null at the top. */
  next: string | null;
  /** The next level's rules and how far the user is on each (none at the top). */
  rules: RuleStanding[];
  window: ActivityWindow;
  /** When windows move next: the start of tomorrow, local. */
  nextChange: { date: LocalDate; at: Date };
  /** The zone's UTC offset now, in minutes. */
  timezoneMinutes: number;
}

/** The rebate of a level in percent, as stored (exact decimal text). */
function rebateText(program: Pick<LevelProgram, 'rebate'>, levelId: string): string {
  const r = program.rebate.find((x) => x.level_id === levelId);
  if (!r) throw new Error(`the loyalty program has no rebate for level ${levelId}`);
  return r.rebate_percents;
}

/** The rebate of a level in percent as an exact fraction, for coin math (amount x num / (den x 100)). */
export const rebateOf = (program: Pick<LevelProgram, 'rebate'>, levelId: string): Fraction => parseFraction(rebateText(program, levelId));

/** The widest window of any rule of the program, in days (at least 1: today). */
export function widestPeriodDays(program: Pick<LevelProgram, 'levelUp'>): number {
  return Math.max(1, ...program.levelUp.flatMap((l) => l.rules.map((r) => r.period_days)));
}

/** The first instant of a window of `days` local days ending today. */
function windowStart(days: number, timeZone: string, now: Date): Date {
  return new Date(startOfLocalDay(addDays(localDate(now.getTime(), timeZone), -(days - 1)), timeZone));
}

/** From when purchases count for any rule of the program: what to read to compute a level at `now`. */
export function countingSince(program: Pick<LevelProgram, 'levelUp' | 'timezone'>, now: Date): Date {
  return windowStart(widestPeriodDays(program), program.timezone, now);
}

interface Tally {
  count: number;
  spends: bigint;
  sessions: string[];
}

function tally(purchases: readonly CountedPurchase[], from: Date, now: Date): Tally {
  const t: Tally = { count: 0, spends: 0n, sessions: [] };
  const lo = from.getTime();
  const hi = now.getTime();
  const counted = purchases.filter((p) => {
    const at = Date.parse(p.ts);
    return at >= lo && at <= hi;
  });
  for (const p of [...counted].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))) {
    t.count += 1;
    t.spends += p.amountMinor;
    t.sessions.push(p.session);
  }
  return t;
}

function standing(rule: LevelRule, purchases: readonly CountedPurchase[], timeZone: string, now: Date): RuleStanding {
  const t = tally(purchases, windowStart(rule.period_days, timeZone, now), now);
  return rule.type === 'purchases_count'
    ? { rule, pass: t.count >= rule.purchases_count, userValue: t.count }
    : { rule, pass: t.spends >= BigInt(rule.spends), userValue: t.spends };
}

const passes = (level: ProgramLevel, purchases: readonly CountedPurchase[], timeZone: string, now: Date) => level.rules.every((r) => standing(r, purchases, timeZone, now).pass);

/** The user's standing in the program at `now`, from their purchases (any purchases outside the windows are ignored). */
export function levelStanding(program: LevelProgram, purchases: readonly CountedPurchase[], now: Date): LevelStanding {
  const levels = program.levelUp;
  if (levels.length === 0) throw new Error('the loyalty program has no levels');
  const tz = program.timezone;
  let index = 0;
  for (let i = levels.length - 1; i > 0; i--) {
    if (passes(levels[i]!, purchases, tz, now)) {
      index = i;
      break;
    }
  }
  const level = levels[index]!;
  const next = levels[index + 1];
  const shown = next ?? level;
  const from = windowStart(widestPeriodDays({ levelUp: [shown] }), tz, now);
  const today = localDate(now.getTime(), tz);
  const tomorrow = addDays(today, 1);
  const tomorrowStart = startOfLocalDay(tomorrow, tz);
  const counted = tally(purchases, from, now);
  return {
    level: level.level_id,
    rebate: rebateOf(program, level.level_id),
    rebatePercents: rebateText(program, level.level_id),
    next: next?.level_id ?? null,
    rules: next ? next.rules.map((r) => standing(r, purchases, tz, now)) : [],
    window: {
      fromDate: localDate(from.getTime(), tz),
      from,
      toDate: today,
      to: new Date(tomorrowStart - 1000),
      purchasesCount: counted.count,
      spends: counted.spends,
      sessions: counted.sessions,
    },
    nextChange: { date: tomorrow, at: new Date(tomorrowStart) },
    timezoneMinutes: offsetMinutes(now.getTime(), tz),
  };
}
