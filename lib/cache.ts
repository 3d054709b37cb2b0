/** A small time-bounded in-memory cache for warm Lambdas (partner records, rates). */
export function ttlCache<K, V>(ttlMs: () => number) {
  const entries = new Map<K, { value: V; until: number }>();
  return {
    async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
      const hit = entries.get(key);
      if (hit && hit.until > Date.now()) return hit.value;
      const value = await load();
      if (value !== undefined && ttlMs() > 0) entries.set(key, { value, until: Date.now() + ttlMs() });
      return value;
    },
    clear: () => entries.clear(),
  };
}
