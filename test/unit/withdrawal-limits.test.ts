import { describe, expect, it } from 'vitest';
import { parseFraction } from '../../lib/ledger/money.js';
import { nextPeriod, periodAround, periodOf, periodStart } from '../../lib/withdrawals/earnings.js';
import { coinsWithin, computeLimits, DEFAULT_LEVELS, levelLimitMinor, levelsOf, type LimitsInput } from '../../lib/withdrawals/limits.js';
import { lockedAfter } from '../../lib/withdrawals/profiles.js';
import { periodTotalsOf } from '../../lib/withdrawals/repository.js';

const COIN = 10n ** 18n;
const basic = DEFAULT_LEVELS.find((l) => l.level === 'basic')!;
/** 0.012 AUD per coin: 20 AUD (basic) is 1666.66... coins. */
const price = parseFraction('0.012');
const BASIC_COINS = 1666666666666666666666n;

const input = (over: Partial<LimitsInput>): LimitsInput => ({
  earnedBefore: 0n,
  transferredBefore: 0n,
  earnedInPeriod: 0n,
  transferredInPeriod: 0n,
  level: basic,
  booster: parseFraction('0'),
  price,
  ...over,
});

describe('withdrawal limits', () => {
  it('is bound by earnings when the user earned less than the level allows', () => {
    const l = computeLimits(input({ earnedInPeriod: 1660n * COIN, transferredInPeriod: 1620n * COIN }));
    expect(l.earningsLimitCoins).toBe(1660n * COIN);
    expect(l.levelLimitMinor).toBe(2000n);
    expect(l.levelLimitCoins).toBe(BASIC_COINS);
    expect(l.restCoins).toBe(40n * COIN);
    expect(l.restType).toBe('rest_based_earnings');
    expect(l.restMinor).toBe(48n); // 40 coins x 0.012 = 0.48
    expect(l.transferredMinor).toBe(1944n);
    expect(l.levelLimitEarningsMinor).toBe(1992n); // 1660 coins are worth 19.92, under the level's 20
  });

  it('is bound by the level when earnings exceed it, and carries unwithdrawn earnings of earlier months', () => {
    const l = computeLimits(input({ earnedBefore: 5000n * COIN, transferredBefore: 1000n * COIN, earnedInPeriod: 100n * COIN, transferredInPeriod: 1000n * COIN }));
    expect(l.earningsLimitCoins).toBe(4100n * COIN);
    expect(l.restCoins).toBe(BASIC_COINS - 1000n * COIN);
    expect(l.restType).toBe('rest_based_limits');
    expect(l.levelLimitEarningsMinor).toBe(2000n);
  });

  it('never carries a negative balance of earlier months', () => {
    const l = computeLimits(input({ earnedBefore: 10n * COIN, transferredBefore: 500n * COIN, earnedInPeriod: 7n * COIN }));
    expect(l.earningsLimitCoins).toBe(7n * COIN);
  });

  it('raises the level limit by the booster, up to level_max_booster', () => {
    expect(levelLimitMinor(basic, parseFraction('0.5'))).toBe(3000n); // 20 + 0.5 x 20
    expect(levelLimitMinor(basic, parseFraction('1.5'))).toBe(5000n); // 20 + 30
    expect(levelLimitMinor(basic, parseFraction('4'))).toBe(7000n); // 20 + min(80, 50): level_max_value_with_booster
    const boosted = computeLimits(input({ earnedBefore: 10_000n * COIN, transferredInPeriod: 2000n * COIN, booster: parseFraction('1.5') }));
    expect(boosted.levelLimitCoins).toBe(coinsWithin(5000n, price));
    expect(boosted.restCoins).toBe(coinsWithin(5000n, price) - 2000n * COIN);
    expect(boosted.restType).toBe('rest_based_limits');
    // Without the booster the same transfers leave nothing: the part within the base value is 20 AUD's worth.
    expect(boosted.transferredWithoutBoostersCoins).toBe(BASIC_COINS);
    expect(computeLimits(input({ earnedBefore: 10_000n * COIN, transferredInPeriod: 2000n * COIN })).restCoins).toBe(0n);
  });

  it('leaves nothing, not a negative amount, once a bound is passed; a tie is the earnings bound', () => {
    const over = computeLimits(input({ earnedInPeriod: 100n * COIN, transferredInPeriod: 150n * COIN }));
    expect(over.restCoins).toBe(0n);
    expect(over.restType).toBe('rest_based_earnings');
    const levelPassed = computeLimits(input({ earnedBefore: 10_000n * COIN, transferredInPeriod: 2000n * COIN }));
    expect(levelPassed.restCoins).toBe(0n);
    expect(levelPassed.restType).toBe('rest_based_limits');
  });

  it('validates a levels document', () => {
    expect(levelsOf([{ level: 'basic', level_max_value: '20.5', level_max_booster: 0 }])).toEqual([{ level: 'basic', maxValueMinor: 2050n, maxBoosterMinor: 0n }]);
    expect(() => levelsOf([])).toThrow(/non-empty/);
    expect(() => levelsOf([{ level: 'basic', level_max_value: 1.234, level_max_booster: 0 }])).toThrow(/level_max_value/);
    expect(() => levelsOf([{ level: 'a', level_max_value: 1, level_max_booster: 1 }, { level: 'a', level_max_value: 1, level_max_booster: 1 }])).toThrow(/twice/);
  });
});

describe('karma hysteresis', () => {
  const rule = { lockBefore: 50, unlock: 70 };
  it('locks below the lock value and unlocks only at the unlock value', () => {
    expect(lockedAfter(false, 60, rule)).toBe(false);
    expect(lockedAfter(false, 50, rule)).toBe(false);
    expect(lockedAfter(false, 49.99, rule)).toBe(true);
    expect(lockedAfter(true, 60, rule)).toBe(true); // between the thresholds it stays as it was
    expect(lockedAfter(true, 69.99, rule)).toBe(true);
    expect(lockedAfter(true, 70, rule)).toBe(false);
    let locked = false;
    const seen = [80, 45, 60, 65, 70, 55, 49].map((k) => (locked = lockedAfter(locked, k, rule)));
    expect(seen).toEqual([false, true, true, true, false, false, true]);
  });
});

describe('months in the timezone', () => {
  const sydney = 'Australia/Sydney';
  it('puts 23:30 UTC on the last day of a month into the next month in Sydney', () => {
    expect(periodOf(new Date('2022-09-30T23:30:00Z'), 'UTC')).toBe('2022-09');
    expect(periodOf(new Date('2022-09-30T23:30:00Z'), sydney)).toBe('2022-10');
    expect(periodOf(new Date('2022-09-30T13:59:59Z'), sydney)).toBe('2022-09');
  });

  it('starts months at Sydney midnight, daylight saving included', () => {
    expect(periodStart('2022-09', sydney).toISOString()).toBe('2022-08-31T14:00:00.000Z'); // AEST +10
    expect(periodStart('2022-11', sydney).toISOString()).toBe('2022-10-31T13:00:00.000Z'); // AEDT +11
    expect(periodStart('2023-04', sydney).toISOString()).toBe('2023-03-31T13:00:00.000Z'); // AEDT until 2 April
    expect(periodStart('2023-05', sydney).toISOString()).toBe('2023-04-30T14:00:00.000Z');
    expect(nextPeriod('2022-12')).toBe('2023-01');
    const p = periodAround(new Date('2022-10-01T00:30:00Z'), sydney);
    expect([p.period, p.from.toISOString(), p.to.toISOString()]).toEqual(['2022-10', '2022-09-30T14:00:00.000Z', '2022-10-31T13:00:00.000Z']);
  });

  it('splits the months into before and in the period', () => {
    const months = [
      { period: '2022-08', earnCoins: 10n, transferCoins: 2n },
      { period: '2022-09', earnCoins: 5n, transferCoins: 1n },
      { period: '2022-10', earnCoins: 7n, transferCoins: 0n },
    ];
    expect(periodTotalsOf(months, '2022-09')).toEqual({ earnedBefore: 10n, transferredBefore: 2n, earnedInPeriod: 5n, transferredInPeriod: 1n, firstPeriod: '2022-08' });
  });
});
