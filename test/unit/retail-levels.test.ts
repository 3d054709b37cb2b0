/** The loyalty level engine (pure): levels from purchases in local-day windows of the program's time zone. */
import { describe, expect, it } from 'vitest';
import { NOVASTORE_LEVEL_UP } from '../fixtures/retail.js';
import { countingSince, levelStanding, rebateOf, widestPeriodDays, type CountedPurchase, type LevelProgram } from '../../lib/retail/levels.js';
import { addDays, localDate, offsetMinutes, startOfLocalDay } from '../../lib/local-days.js';

const SYDNEY = 'Australia/Sydney';

/** The contract's NovaStore program, with 30-day windows. */
const novaStore: LevelProgram = {
  timezone: SYDNEY,
  levelUp: NOVASTORE_LEVEL_UP,
  rebate: [
    { level_id: 'casual', rebate_percents: '15' },
    { level_id: 'regular', rebate_percents: '25' },
    { level_id: 'vip', rebate_percents: '33.5' },
  ],
};

let n = 0;
const purchase = (ts: string, amountMinor: bigint): CountedPurchase => ({ ts, amountMinor, session: `urn:authenticateit:retail_connect:session:00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` });
/** `count` purchases of `amount` cents each, an hour apart, ending at `last`. */
const purchases = (count: number, amount: bigint, last = '2024-05-10T01:00:00.000Z') =>
  Array.from({ length: count }, (_, i) => purchase(new Date(Date.parse(last) - i * 3_600_000).toISOString(), amount));

// 12:00 on 10 May 2024 in Sydney (AEST, UTC+10).
const NOW = new Date('2024-05-10T02:00:00.000Z');

describe('the level engine', () => {
  it('puts a user without purchases at the base level, with the next level’s rules unmet', () => {
    const s = levelStanding(novaStore, [], NOW);
    expect(s).toMatchObject({ level: 'casual', rebate: { num: 15n, den: 1n }, rebatePercents: '15', next: 'regular', timezoneMinutes: 600 });
    expect(s.rules.map(({ rule, pass, userValue }) => ({ type: rule.type, pass, userValue }))).toEqual([
      { type: 'purchases_count', pass: false, userValue: 0 },
      { type: 'spends', pass: false, userValue: 0n },
    ]);
    // The next level's widest window: 30 local days ending today; today ends at local midnight.
    expect(s.window).toMatchObject({
      fromDate: '2024-04-11',
      from: new Date('2024-04-10T14:00:00.000Z'),
      toDate: '2024-05-10',
      to: new Date('2024-05-10T13:59:59.000Z'),
      purchasesCount: 0,
      spends: 0n,
      sessions: [],
    });
    expect(s.nextChange).toEqual({ date: '2024-05-11', at: new Date('2024-05-10T14:00:00.000Z') });
  });

  it('levels up once every rule of the next level passes', () => {
    const four = purchases(4, 500n);
    const s4 = levelStanding(novaStore, four, NOW);
    // 2000 cents spent, but only 4 purchases: the purchases_count rule holds regular back.
    expect(s4.level).toBe('casual');
    expect(s4.rules.map((r) => [r.pass, r.userValue])).toEqual([
      [false, 4],
      [true, 2000n],
    ]);
    expect(s4.window).toMatchObject({ purchasesCount: 4, spends: 2000n, sessions: four.map((p) => p.session).reverse() });

    const five = purchases(5, 400n);
    const s5 = levelStanding(novaStore, five, NOW);
    expect(s5).toMatchObject({ level: 'regular', rebate: { num: 25n, den: 1n }, next: 'vip' });
    expect(s5.rules.map((r) => [r.rule.type, r.pass, r.userValue])).toEqual([
      ['purchases_count', false, 5],
      ['spends', false, 2000n],
    ]);
  });

  it('counts spends in cents against a spends rule', () => {
    const program: LevelProgram = {
      timezone: SYDNEY,
      levelUp: [
        { level_id: 'base', rules: [] },
        { level_id: 'spender', rules: [{ type: 'spends', spends: 10_000, period_days: 7 }] },
      ],
      rebate: [
        { level_id: 'base', rebate_percents: '0' },
        { level_id: 'spender', rebate_percents: '12.25' },
      ],
    };
    expect(levelStanding(program, [purchase('2024-05-09T00:00:00.000Z', 9_999n)], NOW).level).toBe('base');
    const s = levelStanding(program, [purchase('2024-05-09T00:00:00.000Z', 9_999n), purchase('2024-05-10T00:00:00.000Z', 1n)], NOW);
    expect(s).toMatchObject({ level: 'spender', rebate: { num: 1225n, den: 100n }, rebatePercents: '12.25', next: null, rules: [] });
    // At the top, the window is the user's own level's: 7 days.
    expect(s.window).toMatchObject({ fromDate: '2024-05-04', from: new Date('2024-05-03T14:00:00.000Z'), purchasesCount: 2, spends: 10_000n });
  });

  it('gives the highest level whose rules all pass, even when a lower one does not', () => {
    const program: LevelProgram = {
      timezone: SYDNEY,
      levelUp: [
        { level_id: 'bronze', rules: [] },
        { level_id: 'silver', rules: [{ type: 'purchases_count', purchases_count: 3, period_days: 10 }] },
        { level_id: 'gold', rules: [{ type: 'spends', spends: 10_000, period_days: 10 }] },
        { level_id: 'platinum', rules: [{ type: 'purchases_count', purchases_count: 3, period_days: 10 }, { type: 'spends', spends: 50_000, period_days: 90 }] },
      ],
      rebate: ['bronze', 'silver', 'gold', 'platinum'].map((level_id, i) => ({ level_id, rebate_percents: String(i * 10) })),
    };
    // One big purchase: silver fails (1 purchase), gold passes.
    expect(levelStanding(program, purchases(1, 10_000n), NOW)).toMatchObject({ level: 'gold', next: 'platinum' });
    // Three purchases worth 30000 within 10 days, and 25000 more 60 days ago: platinum.
    const old = purchase('2024-03-11T00:00:00.000Z', 25_000n);
    const s = levelStanding(program, [...purchases(3, 10_000n), old], NOW);
    expect(s).toMatchObject({ level: 'platinum', next: null, rules: [] });
    // The top level's widest rule (90 days) is the activity window: it counts the old purchase too.
    expect(s.window).toMatchObject({ fromDate: '2024-02-11', purchasesCount: 4, spends: 55_000n });
    expect(s.window.sessions[0]).toBe(old.session);
    // Without the old purchase, platinum's spends rule fails: gold, with platinum's rules shown.
    const g = levelStanding(program, purchases(3, 10_000n), NOW);
    expect(g).toMatchObject({ level: 'gold', next: 'platinum' });
    expect(g.rules.map((r) => [r.rule.type, r.rule.period_days, r.pass, r.userValue])).toEqual([
      ['purchases_count', 10, true, 3],
      ['spends', 90, false, 30_000n],
    ]);
  });

  it('has no next level at the top', () => {
    const s = levelStanding(novaStore, purchases(10, 250n), NOW);
    expect(s).toMatchObject({ level: 'vip', rebate: { num: 335n, den: 10n }, rebatePercents: '33.5', next: null, rules: [] });
    expect(s.window).toMatchObject({ fromDate: '2024-04-11', purchasesCount: 10, spends: 2500n });
  });

  it('counts a window from local midnight of its first day: a purchase a second before is outside', () => {
    const program: LevelProgram = {
      timezone: SYDNEY,
      levelUp: [
        { level_id: 'base', rules: [] },
        { level_id: 'today', rules: [{ type: 'purchases_count', purchases_count: 1, period_days: 1 }] },
      ],
      rebate: [
        { level_id: 'base', rebate_percents: '1' },
        { level_id: 'today', rebate_percents: '2' },
      ],
    };
    // 23:59:59 yesterday, local (13:59:59 UTC): not today.
    const lastNight = purchase('2024-05-09T13:59:59.999Z', 100n);
    expect(levelStanding(program, [lastNight], NOW)).toMatchObject({ level: 'base', window: { fromDate: '2024-05-10', purchasesCount: 0 } });
    // 00:00:00 today, local.
    expect(levelStanding(program, [purchase('2024-05-09T14:00:00.000Z', 100n)], NOW)).toMatchObject({ level: 'today' });
    // A purchase after now (a clock ahead) is not counted yet.
    expect(levelStanding(program, [purchase('2024-05-10T02:00:01.000Z', 100n)], NOW).level).toBe('base');
    // The same purchase of yesterday evening, at 23:59 UTC on 9 May, is 09:59 on 10 May in Sydney: today.
    expect(levelStanding(program, [purchase('2024-05-09T23:59:00.000Z', 100n)], NOW).level).toBe('today');
    // Just after local midnight the window has moved to the new day.
    const afterMidnight = new Date('2024-05-10T14:00:00.000Z');
    expect(levelStanding(program, [purchase('2024-05-10T13:59:00.000Z', 100n)], afterMidnight)).toMatchObject({ level: 'base', window: { fromDate: '2024-05-11', toDate: '2024-05-11' } });
  });

  it('follows daylight saving in Sydney: windows span the change, offsets and day ends move with it', () => {
    const program: LevelProgram = {
      timezone: SYDNEY,
      levelUp: [
        { level_id: 'base', rules: [] },
        { level_id: 'three_days', rules: [{ type: 'purchases_count', purchases_count: 1, period_days: 3 }] },
      ],
      rebate: [
        { level_id: 'base', rebate_percents: '1' },
        { level_id: 'three_days', rebate_percents: '2' },
      ],
    };
    // Daylight saving ended at 03:00 AEDT on Sunday 7 April 2024. Now: 12:00 AEST on 8 April.
    const april = new Date('2024-04-08T02:00:00.000Z');
    const a = levelStanding(program, [], april);
    // The window starts at 00:00 on 6 April, still AEDT (UTC+11); today ends at 24:00 AEST (UTC+10).
    expect(a.window).toMatchObject({ fromDate: '2024-04-06', from: new Date('2024-04-05T13:00:00.000Z'), toDate: '2024-04-08', to: new Date('2024-04-08T13:59:59.000Z') });
    expect(a.timezoneMinutes).toBe(600);
    expect(levelStanding(program, [purchase('2024-04-05T12:59:59.000Z', 1n)], april).level).toBe('base');
    expect(levelStanding(program, [purchase('2024-04-05T13:00:00.000Z', 1n)], april).level).toBe('three_days');

    // Daylight saving started at 02:00 AEST on Sunday 6 October 2024. Now: 12:00 AEDT on 7 October.
    const october = new Date('2024-10-07T01:00:00.000Z');
    const o = levelStanding(program, [], october);
    expect(o.window).toMatchObject({ fromDate: '2024-10-05', from: new Date('2024-10-04T14:00:00.000Z'), toDate: '2024-10-07', to: new Date('2024-10-07T12:59:59.000Z') });
    expect(o.nextChange).toEqual({ date: '2024-10-08', at: new Date('2024-10-07T13:00:00.000Z') });
    expect(o.timezoneMinutes).toBe(660);
    // The day of the change is 23 hours long: it starts at 14:00 UTC and ends at 13:00 UTC.
    expect(new Date(startOfLocalDay('2024-10-06', SYDNEY)).toISOString()).toBe('2024-10-05T14:00:00.000Z');
    expect(new Date(startOfLocalDay('2024-10-07', SYDNEY)).toISOString()).toBe('2024-10-06T13:00:00.000Z');
  });

  it('reads purchases from the start of the widest window of any rule', () => {
    expect(widestPeriodDays(novaStore)).toBe(30);
    expect(countingSince(novaStore, NOW).toISOString()).toBe('2024-04-10T14:00:00.000Z');
    expect(widestPeriodDays({ levelUp: [{ level_id: 'only', rules: [] }] })).toBe(1);
    expect(countingSince({ levelUp: [{ level_id: 'only', rules: [] }], timezone: SYDNEY }, NOW).toISOString()).toBe('2024-05-09T14:00:00.000Z');
  });

  it('gives rebates as exact fractions of percent', () => {
    expect(rebateOf(novaStore, 'vip')).toEqual({ num: 335n, den: 10n });
    expect(() => rebateOf(novaStore, 'nope')).toThrow(/no rebate for level nope/);
  });
});

describe('local days', () => {
  it('are calendar days of the zone', () => {
    expect(localDate(Date.parse('2024-05-09T13:59:59Z'), SYDNEY)).toBe('2024-05-09');
    expect(localDate(Date.parse('2024-05-09T14:00:00Z'), SYDNEY)).toBe('2024-05-10');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(offsetMinutes(Date.parse('2024-01-15T00:00:00.500Z'), SYDNEY)).toBe(660);
    expect(offsetMinutes(Date.parse('2024-01-15T00:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(Date.parse('2024-01-15T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });

  it('start at the change when a zone skips midnight', () => {
    // Chile moved its clocks from 24:00 on 7 September 2024 to 01:00 on 8 September.
    expect(new Date(startOfLocalDay('2024-09-08', 'America/Santiago')).toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(new Date(startOfLocalDay('2024-09-09', 'America/Santiago')).toISOString()).toBe('2024-09-09T03:00:00.000Z');
  });
});
