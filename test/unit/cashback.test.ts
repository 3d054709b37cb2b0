import { describe, expect, it } from 'vitest';
import { computeCashback } from '../../lib/purchases/cashback.js';
import { parseFraction } from '../../lib/ledger/money.js';

const base = {
  currencyDecimals: 2,
  tokenPrice: parseFraction('1'),
  basePercent: parseFraction('10'),
  partnerPercent: parseFraction('0'),
  matchCapPercent: parseFraction('10'),
};
const TOKEN = 10n ** 18n;

describe('computeCashback', () => {
  it('pays the base percentage of the token value', () => {
    const r = computeCashback({ ...base, amountMinor: 2550n });
    expect(r).toEqual({ base: (255n * TOKEN) / 100n, partner: 0n, match: 0n, total: (255n * TOKEN) / 100n });
  });

  it('adds the partner percentage and matches it 1:1 from the fund', () => {
    const r = computeCashback({ ...base, amountMinor: 10000n, partnerPercent: parseFraction('2') });
    expect(r.partner).toBe(2n * TOKEN);
    expect(r.match).toBe(2n * TOKEN);
    expect(r.total).toBe(14n * TOKEN);
  });

  it('caps the match at MATCH_CAP_PERCENT while the partner pays its full percentage', () => {
    const r = computeCashback({ ...base, amountMinor: 10000n, partnerPercent: parseFraction('15'), matchCapPercent: parseFraction('5') });
    expect(r.partner).toBe(15n * TOKEN);
    expect(r.match).toBe(5n * TOKEN);
  });

  it('converts through the token price and floors to the smallest unit', () => {
    // 1 token = 3 EUR: 10.00 EUR is 3.333... tokens, 10% of it floored.
    const r = computeCashback({ ...base, amountMinor: 1000n, tokenPrice: parseFraction('3') });
    expect(r.base).toBe(333333333333333333n);
  });

  it('uses the currency precision (GBYTE has 9 decimals)', () => {
    const r = computeCashback({ ...base, amountMinor: 1_000_000_000n, currencyDecimals: 9, tokenPrice: parseFraction('0.05'), basePercent: parseFraction('20') });
    expect(r.base).toBe(4n * TOKEN); // 1 GBYTE = 20 tokens, 20% of it
  });
});
