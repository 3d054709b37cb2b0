/** Coin conversion arithmetic, its rounding, the currency a conversion uses, rate card adjustments and their validation. */
import { describe, expect, it } from 'vitest';
import { parseFraction } from '../../lib/ledger/money.js';
import { coinsToFiat, conversionCurrency } from '../../lib/rates/index.js';
import { wholeCoinsFor } from '../../lib/ratecards/index.js';
import { setRateCardSchema } from '../../lib/ratecards/schema.js';
import { parseJson } from '../../lib/json.js';
import { isFailure } from '../../lib/errors.js';

const COIN = 10n ** 18n;

describe('coinsToFiat', () => {
  it('converts 0.1 coin at 0.00024 to 0.000024 exactly', () => {
    expect(coinsToFiat(100_000_000_000_000_000n, parseFraction('0.00024'))).toBe('0.000024');
  });

  it('is exact for amounts a float cannot hold', () => {
    expect(coinsToFiat(123_456_789_012_345_678_901_234_567n, parseFraction('0.24'))).toBe('29629629.36296296');
    expect(coinsToFiat(10n ** 30n, parseFraction('1'))).toBe('1000000000000');
  });

  it('floors to 8 decimal places, never up', () => {
    // 1 coin + 1 wei at 0.99999999: 0.99999999000000000999... -> 0.99999999
    expect(coinsToFiat(COIN + 1n, parseFraction('0.99999999'))).toBe('0.99999999');
    // 1 wei at any sane price is below 10^-8
    expect(coinsToFiat(1n, parseFraction('1000'))).toBe('0');
    // 2/3 of a coin at 1: 0.666666666... -> 0.66666666
    expect(coinsToFiat((2n * COIN) / 3n, parseFraction('1'))).toBe('0.66666666');
    expect(coinsToFiat(0n, parseFraction('0.24'))).toBe('0');
  });
});

describe('conversionCurrency', () => {
  it('uses the currency, else the country, else aud', () => {
    expect(conversionCurrency({ currency: 'USD', country: '036' })).toBe('usd');
    expect(conversionCurrency({ country: '702' })).toBe('sgd');
    expect(conversionCurrency({ country: '036' })).toBe('aud');
    expect(conversionCurrency({ country: 'US' })).toBe('usd');
    expect(conversionCurrency({})).toBe('aud');
  });

  it('refuses currencies and countries without a coin currency', () => {
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(isFailure(thrown(() => conversionCurrency({ currency: 'eur' })), 'unknown_currency')).toBe(true);
    expect(isFailure(thrown(() => conversionCurrency({ country: '250' })), 'unknown_country')).toBe(true);
  });
});

describe('rate card adjustment', () => {
  it('is the whole coins the value buys at the price, floored', () => {
    const price = parseFraction('0.0000207727'); // about 48140 coins per aud
    expect(wholeCoinsFor(parseFraction('0.3'), price)).toBe(14442n * COIN);
    expect(wholeCoinsFor(parseFraction('0.003'), price)).toBe(144n * COIN);
    expect(wholeCoinsFor(parseFraction('0'), price)).toBe(0n);
  });
});

describe('rate card body', () => {
  const parse = (text: string) => setRateCardSchema.safeParse(parseJson(text));
  const valid = { billable: true, items: [{ id: 'clicks', value: 0.1 }], user_rewards: { percents: 0.25 } };
  const issue = (body: unknown) => {
    const r = parse(JSON.stringify(body));
    return r.success ? undefined : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  };

  it('reads amounts exactly and keeps only what was given', () => {
    const r = parse('{"billable":false,"gst":10,"budget":{"day":20.10},"items":[{"id":"clicks","value":0.1000000000000000001}],"user_rewards":{"coins":"5000000000000000000"}}');
    expect(r.success && r.data).toEqual({ billable: false, gst: 10, budget: { day: '20.1' }, items: [{ id: 'clicks', value: '0.1000000000000000001' }], userRewards: { coins: 5n * COIN } });
  });

  it('refuses what the contract refuses', () => {
    expect(issue(valid)).toBeUndefined();
    expect(issue({ ...valid, billable: undefined })).toBe('billable: billable is required: true or false');
    expect(issue({ ...valid, user_rewards: undefined })).toMatch(/^user_rewards: user_rewards is required/);
    expect(issue({ ...valid, user_rewards: {} })).toBe('user_rewards: user_rewards must contain percents, value or coins');
    expect(issue({ ...valid, user_rewards: { percents: -1 } })).toBe('user_rewards.percents: must be a non-negative number');
    expect(issue({ ...valid, user_rewards: { value: '1' } })).toBe('user_rewards.value: must be a non-negative number');
    expect(issue({ ...valid, user_rewards: { coins: '1.5' } })).toMatch(/^user_rewards.coins: coins must be a whole number of the token's smallest unit/);
    expect(issue({ ...valid, gst: 1.5 })).toBe('gst: gst must be a non-negative integer');
    expect(issue({ ...valid, gst: -1 })).toBe('gst: gst must be a non-negative integer');
    expect(issue({ ...valid, items: [] })).toBe('items: items must be a non-empty array of {id, value}');
    expect(issue({ ...valid, items: [{ id: 'likes', value: 1 }] })).toMatch(/^items.0.id: must be one of clicks, /);
    expect(issue({ ...valid, items: [{ id: 'clicks' }] })).toBe('items.0.value: must be a non-negative number');
    expect(issue({ ...valid, items: [{ id: 'clicks', value: -0.1 }] })).toBe('items.0.value: must be a non-negative number');
    expect(issue({ ...valid, items: [{ id: 'clicks', value: 1 }, { id: 'clicks', value: 2 }] })).toBe('items: items must name each item id once');
    expect(issue({ ...valid, budget: { year: 1 } })).toMatch(/^budget/);
  });
});
