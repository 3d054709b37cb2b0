import { describe, expect, it } from 'vitest';
import { updateOf } from '../../lib/db/update.js';

describe('update expressions', () => {
  it('set the defined fields, leave undefined ones alone, and number placeholders without gaps', () => {
    expect(updateOf({ a: 1, b: undefined, c: 'x' }, { remove: ['d'], keep: { createdAt: 't' } })).toEqual({
      UpdateExpression: 'SET #f0 = :v0, #f1 = :v1, #f2 = if_not_exists(#f2, :v2) REMOVE #f3',
      ExpressionAttributeNames: { '#f0': 'a', '#f1': 'c', '#f2': 'createdAt', '#f3': 'd' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': 'x', ':v2': 't' },
    });
  });

  it('remove the undefined fields when asked, each name once', () => {
    expect(updateOf({ a: 1n, b: undefined, c: undefined }, { remove: ['c'], removeUndefined: true })).toEqual({
      UpdateExpression: 'SET #f0 = :v0 REMOVE #f1, #f2',
      ExpressionAttributeNames: { '#f0': 'a', '#f1': 'c', '#f2': 'b' },
      ExpressionAttributeValues: { ':v0': 1n },
    });
  });
});
