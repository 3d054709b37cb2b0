import { describe, expect, it } from 'vitest';
import { fields, StoredItemError } from '../../lib/db/item.js';

describe('stored item readers', () => {
  const item = fields(
    { name: 'Gold', status: 'PAID', id: '12', amount: '123456789012345678901234567890', neg: '-5', on: true, tags: ['a'], legs: [{ amount: '7', to: 'x' }], meta: { k: 'v' }, nil: null },
    'Thing 1',
  );

  it('read each attribute as what it is, money exactly', () => {
    expect(item.str('name')).toBe('Gold');
    expect(item.oneOf('status', ['PAID', 'FAILED'] as const)).toBe('PAID');
    expect(item.int('id')).toBe(12);
    expect(item.money('amount')).toBe(123456789012345678901234567890n);
    expect(item.money('neg')).toBe(-5n);
    expect(item.bool('on')).toBe(true);
    expect(item.flag('missing')).toBe(false);
    expect(item.strList('tags')).toEqual(['a']);
    expect(item.list('legs', (l) => ({ amount: l.money('amount'), to: l.str('to') }))).toEqual([{ amount: 7n, to: 'x' }]);
    expect(item.optMap('meta')).toEqual({ k: 'v' });
  });

  it('treat absent and null alike for optional attributes', () => {
    for (const name of ['missing', 'nil']) {
      expect(item.optStr(name)).toBeUndefined();
      expect(item.optInt(name)).toBeUndefined();
      expect(item.optMoney(name)).toBeUndefined();
      expect(item.optMap(name)).toBeUndefined();
    }
  });

  it('refuse an attribute of the wrong type, naming the item and the field', () => {
    expect(() => item.str('id')).not.toThrow();
    expect(() => item.int('name')).toThrow(StoredItemError);
    expect(() => item.int('amount')).toThrow(/Thing 1: amount is not an integer/);
    expect(() => item.money('name')).toThrow(/not an integer amount/);
    expect(() => item.oneOf('status', ['FAILED'] as const)).toThrow(/one of FAILED/);
    expect(() => item.str('missing')).toThrow(/missing is not a string/);
    expect(() => item.list('legs', (l) => l.int('to'))).toThrow(/legs\[0\]: to is not an integer/);
  });
});
