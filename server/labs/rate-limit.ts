// A per-client sliding-window limit on run submissions (each run costs a broker and CPU), kept in
// memory: a restart forgets it, which is acceptable for a cost guard (not a security control).

/** Allows `limit` events per `windowMs` per key. */
export function createRateLimiter(limit: number, windowMs: number, now: () => number) {
  const hits = new Map<string, number[]>();
  return {
    /** Records a hit if allowed; otherwise returns how many seconds until one is. */
    take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
      const t = now();
      const recent = (hits.get(key) ?? []).filter((h) => h > t - windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + windowMs - t) / 1000)) };
      }
      recent.push(t);
      hits.set(key, recent);
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.every((h) => h <= t - windowMs)) hits.delete(k);
      return { ok: true };
    },
  };
}
