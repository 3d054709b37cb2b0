/**
 * Monthly withdrawal limits. Two bounds apply to the coins a user withdraws in a period (a calendar month in
 * WITHDRAWAL_TIMEZONE), and the tighter one binds:
 * - earnings: a user withdraws no more than they earned (rewards, deposits): what earlier months left unwithdrawn
 *   (never below 0) plus what this month earned;
 * - level: the level's `level_max_value` in the country's currency, raised by the booster: booster x level_max_value,
 *   at most `level_max_booster` (so at most `level_max_value_with_booster`), turned into coins at the current price.
 * `computeLimits` is pure; index.ts reads the period's totals (repository.ts) and the price.
 */
import { formatUnits, parseUnits, TOKEN_DECIMALS, type Fraction } from '../ledger/money.js';
import { coinsValueMinor, FEE_FIAT_DECIMALS } from './fees.js';
import { exactNumber } from '../json.js';

/** One level as the levels document writes it (values in the currency, at most 2 decimals). */
export interface LevelEntry {
  level: string;
  level_max_value: number | string;
  level_max_booster: number | string;
}

export interface Level {
  level: string;
  maxValueMinor: bigint;
  maxBoosterMinor: bigint;
}

/** The levels until an operator configures WITHDRAWAL_LEVELS: the contract's table, lowest first. */
export const DEFAULT_LEVELS_DOCUMENT: readonly LevelEntry[] = [
  { level: 'basic', level_max_value: 20, level_max_booster: 50 },
  { level: 'bronze', level_max_value: 30, level_max_booster: 70 },
  { level: 'silver', level_max_value: 40, level_max_booster: 100 },
  { level: 'gold', level_max_value: 45, level_max_booster: 150 },
  { level: 'platinum', level_max_value: 50, level_max_booster: 300 },
  { level: 'ambassador', level_max_value: 75, level_max_booster: 425 },
];

const MONEY = /^\d{1,12}(\.\d{1,2})?$/;

/** A validated levels document; throws RangeError naming the problem. */
export function levelsOf(doc: unknown): Level[] {
  if (!Array.isArray(doc) || doc.length === 0) throw new RangeError('the levels document must be a non-empty array of {level, level_max_value, level_max_booster}');
  const seen = new Set<string>();
  return doc.map((entry: Partial<LevelEntry>, i) => {
    const name = entry?.level;
    if (typeof name !== 'string' || !/^[a-z_]{1,32}$/.test(name)) throw new RangeError(`levels[${i}].level must be a lower-case name`);
    if (seen.has(name)) throw new RangeError(`level ${name} is listed twice`);
    seen.add(name);
    const money = (field: 'level_max_value' | 'level_max_booster') => {
      const v = entry[field];
      const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : '';
      if (!MONEY.test(text)) throw new RangeError(`levels[${i}].${field} must be a non-negative amount with at most 2 decimals`);
      return parseUnits(text, FEE_FIAT_DECIMALS);
    };
    return { level: name, maxValueMinor: money('level_max_value'), maxBoosterMinor: money('level_max_booster') };
  });
}

export const DEFAULT_LEVELS: Level[] = levelsOf(DEFAULT_LEVELS_DOCUMENT);

/** The level's limit in cents with a booster: level_max_value + min(booster x level_max_value, level_max_booster), floored. */
export function levelLimitMinor(level: Level, booster: Fraction): bigint {
  const boost = (booster.num * level.maxValueMinor) / booster.den;
  return level.maxValueMinor + (boost < level.maxBoosterMinor ? boost : level.maxBoosterMinor);
}

const COIN = 10n ** BigInt(TOKEN_DECIMALS);
const CENT_SCALE = 10n ** BigInt(FEE_FIAT_DECIMALS);
/** The most coins worth at most `minor` cents at `price` (floored: a limit is never exceeded by rounding). */
export const coinsWithin = (minor: bigint, price: Fraction) => (minor * COIN * price.den) / (CENT_SCALE * price.num);

const max0 = (v: bigint) => (v > 0n ? v : 0n);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export interface LimitsInput {
  /** Earned and withdrawn in the months before the period. */
  earnedBefore: bigint;
  transferredBefore: bigint;
  /** Earned and withdrawn in the period. */
  earnedInPeriod: bigint;
  transferredInPeriod: bigint;
  level: Level;
  booster: Fraction;
  /** One whole coin in the currency. */
  price: Fraction;
}

export type RestType = 'rest_based_earnings' | 'rest_based_limits';

export interface Limits {
  /** coins_limit_based_on_earnings. */
  earningsLimitCoins: bigint;
  /** The level's limit with the booster, in cents and in coins. */
  levelLimitMinor: bigint;
  levelLimitCoins: bigint;
  /** coins_transfered: every coin withdrawn in the period. */
  transferredCoins: bigint;
  /** coins_transfered_wo_boosters: the part of them within the level's base value (level_max_value); the rest used the booster. */
  transferredWithoutBoostersCoins: bigint;
  /** What is left: the tighter of the two bounds, and which one it is (earnings on a tie). */
  restCoins: bigint;
  restType: RestType;
  restMinor: bigint;
  /** The value of transferredCoins at the current price. */
  transferredMinor: bigint;
  /** current_level_max_value_earnings: the level's limit as far as the earnings reach it. */
  levelLimitEarningsMinor: bigint;
}

export function computeLimits(i: LimitsInput): Limits {
  const earningsLimitCoins = max0(i.earnedBefore - i.transferredBefore) + i.earnedInPeriod;
  const limitMinor = levelLimitMinor(i.level, i.booster);
  const levelLimitCoins = coinsWithin(limitMinor, i.price);
  const baseCoins = coinsWithin(i.level.maxValueMinor, i.price);
  const restEarnings = max0(earningsLimitCoins - i.transferredInPeriod);
  const restLevel = max0(levelLimitCoins - i.transferredInPeriod);
  const restCoins = min(restEarnings, restLevel);
  return {
    earningsLimitCoins,
    levelLimitMinor: limitMinor,
    levelLimitCoins,
    transferredCoins: i.transferredInPeriod,
    transferredWithoutBoostersCoins: min(max0(i.transferredInPeriod), baseCoins),
    restCoins,
    restType: restEarnings <= restLevel ? 'rest_based_earnings' : 'rest_based_limits',
    restMinor: coinsValueMinor(restCoins, i.price),
    transferredMinor: coinsValueMinor(max0(i.transferredInPeriod), i.price),
    levelLimitEarningsMinor: min(limitMinor, coinsValueMinor(earningsLimitCoins, i.price)),
  };
}

/** Cents as decimal text ("20", "0.47"). */
export const minorText = (minor: bigint) => formatUnits(minor, FEE_FIAT_DECIMALS);
/** Cents as the contracts' exact JSON number (20, 0.47). */
export const minorNumber = (minor: bigint) => exactNumber(minorText(minor));
