/**
 * A small time-bounded in-memory cache for warm Lambdas (partner records, rates). Concurrent misses of one key
 * share one load (a cold request that reads several prices at once reads the rates item once); with a TTL of 0
 * nothing is cached or shared, so every get reads afresh.
 */
export function ttlCache<K, V>(ttlMs: () => number) {
  const entries = new Map<K, { value: V; until: number }>();
  const loading = new Map<K, Promise<V | undefined>>();
  return {
    async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
      const hit = entries.get(key);
      if (hit && hit.until > Date.now()) return hit.value;
      if (ttlMs() <= 0) return load();
      const inFlight = loading.get(key);
      if (inFlight) return inFlight;
      const pending = load().then((value) => {
        if (value !== undefined) entries.set(key, { value, until: Date.now() + ttlMs() });
        return value;
      });
      loading.set(key, pending);
      try {
        return await pending;
      } finally {
        loading.delete(key);
      }
    },
    clear: () => {
      entries.clear();
      loading.clear();
    },
  };
}
