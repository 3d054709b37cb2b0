/** Bank cash-out accounts: the configured countries, each country's bank details rules, the log mask. */
import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { allowedCountries, bankDetailsProblems, maskAccountNumber } from '../../lib/cashout-accounts/rules.js';
import { createCashoutAccountSchema } from '../../lib/cashout-accounts/schema.js';

const au = { country: '036', bank: 'SB', name: 'J', bsb: '123456', account: '22334455' };

describe('allowed countries', () => {
  afterEach(() => {
    delete process.env.CASHOUT_COUNTRIES;
    resetConfig();
  });

  it('defaults to Australia in AUD', () => {
    expect(allowedCountries()).toEqual([{ country: '036', currency: 'aud' }]);
  });

  it('refuses a configured country without bank details rules, or a currency without a coin price', () => {
    process.env.CASHOUT_COUNTRIES = '036:aud,554:nzd';
    expect(() => allowedCountries()).toThrow('CASHOUT_COUNTRIES names 554, which has no bank details rules');
    process.env.CASHOUT_COUNTRIES = '036:nzd';
    resetConfig();
    expect(() => allowedCountries()).toThrow('pays 036 in nzd, which has no coin price');
    process.env.CASHOUT_COUNTRIES = '036-aud';
    resetConfig();
    expect(() => allowedCountries()).toThrow('CASHOUT_COUNTRIES must be comma-separated country:currency pairs');
  });
});

describe('Australian bank details', () => {
  it('take a 6-digit BSB, a 5 to 9 digit account number and a 4-digit postcode', () => {
    expect(bankDetailsProblems({ ...au, postcode: '3000' })).toEqual([]);
    expect(bankDetailsProblems({ ...au, account: '12345' })).toEqual([]);
    expect(bankDetailsProblems({ ...au, account: '123456789' })).toEqual([]);
    expect(bankDetailsProblems({ ...au, bsb: '12345', account: '1234567890', postcode: '30000' }).map((p) => p.field)).toEqual(['bsb', 'account', 'postcode']);
  });

  it('are named by their path in the request', () => {
    const r = createCashoutAccountSchema.safeParse({ account: { ...au, account: '1234' } });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['account.account', 'must be 5 to 9 digits in Australia (036)']]);
  });
});

describe('account numbers in logs', () => {
  it('show only their last 3 digits', () => {
    expect(maskAccountNumber('22334455')).toBe('*****455');
    expect(maskAccountNumber('123')).toBe('***');
  });
});
