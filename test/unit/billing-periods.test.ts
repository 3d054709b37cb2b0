import { describe, expect, it } from 'vitest';
import { addMonth, commitmentEnd, formatMinor, quote, unusedCredit, usageMinor } from '../../lib/billing/periods.js';

const COIN = 10n ** 18n;

describe('billing periods', () => {
  it('a month later is the same day, or the last day of a shorter month', () => {
    expect(addMonth('2026-03-24')).toBe('2026-04-24');
    expect(addMonth('2026-01-31')).toBe('2026-02-28');
    expect(addMonth('2028-01-31')).toBe('2028-02-29');
    expect(addMonth('2026-12-15')).toBe('2027-01-15');
    expect(commitmentEnd('2026-01-01', 52)).toBe('2026-12-31');
  });

  it('rewards coins at the plan rate, floored to the cent', () => {
    expect(usageMinor(100n * COIN, { num: 1n, den: 5n })).toBe(2000n); // 100 coins at 0.2
    expect(usageMinor(COIN / 3n, { num: 3n, den: 10n })).toBe(9n); // 0.333.. coins at 0.3 = 9.99.. cents
    expect(usageMinor(123n * COIN, { num: 0n, den: 1n })).toBe(0n);
  });

  it('the unused part of a period: cost × days left / days in it, floored', () => {
    expect(unusedCredit(19_500n, '2026-01-01', '2026-01-31', '2026-01-11')).toBe(13_000n);
    expect(unusedCredit(19_500n, '2026-01-01', '2026-01-31', '2026-01-01')).toBe(19_500n);
    expect(unusedCredit(39_500n, '2026-01-01', '2026-01-31', '2026-01-30')).toBe(1_316n); // 39500/30 = 1316.67
    expect(unusedCredit(19_500n, '2026-01-01', '2026-01-31', '2026-02-05')).toBe(0n);
  });

  it('rows add up to the charge; credit beyond it is carried, never below zero', () => {
    const paid = quote({ plan: { id: 'pro', costMinor: 39_500n, periodFrom: '2026-03-24', periodTo: '2026-04-24' }, usage: { coins: 100n * COIN, rate: { num: 1n, den: 5n }, from: '2026-02-24', to: '2026-03-24' }, carriedMinor: 0n });
    expect(paid).toEqual({
      rows: [
        { amountMinor: 39_500n, description: 'Selected plan - "pro". Paid period: from 2026-03-24 to 2026-04-24' },
        { amountMinor: 2_000n, description: 'Used rewards coins. Paid period: from 2026-02-24 to 2026-03-24' },
      ],
      amountMinor: 41_500n,
      creditLeftMinor: 0n,
    });
    const credit = quote({ plan: { id: 'light', costMinor: 19_500n, periodFrom: 'a', periodTo: 'b' }, unused: { plan: 'pro', creditMinor: 30_000n, from: 'a', to: 'c' }, carriedMinor: 500n });
    expect(credit.amountMinor).toBe(0n);
    expect(credit.creditLeftMinor).toBe(11_000n);
    expect(credit.rows.reduce((s, r) => s + r.amountMinor, 0n)).toBe(0n);
    expect(credit.rows.at(-1)).toEqual({ amountMinor: 11_000n, description: 'Credit carried to the next payment' });
  });

  it('amounts as the history writes them', () => {
    expect(formatMinor(41_500n)).toBe('415.00');
    expect(formatMinor(-9_750n)).toBe('-97.50');
    expect(formatMinor(5n)).toBe('0.05');
    expect(formatMinor(0n)).toBe('0.00');
  });
});
