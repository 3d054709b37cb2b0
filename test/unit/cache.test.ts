import { describe, expect, it } from 'vitest';
import { ttlCache } from '../../lib/cache.js';

describe('ttlCache', () => {
  it('shares one load among concurrent misses of a key, then serves the cached value', async () => {
    const cache = ttlCache<string, number>(() => 60_000);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual([42, 42, 42]);
    expect(loads).toBe(1);
    expect(await cache.get('k', load)).toBe(42);
    expect(loads).toBe(1);
  });

  it('keeps no failed load: the next get loads again', async () => {
    const cache = ttlCache<string, number>(() => 60_000);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 7)).toBe(7);
  });

  it('with a TTL of 0 reads afresh every time, concurrent gets included', async () => {
    const cache = ttlCache<string, number>(() => 0);
    let loads = 0;
    const load = async () => ++loads;
    await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect(await cache.get('k', load)).toBe(3);
  });
});
