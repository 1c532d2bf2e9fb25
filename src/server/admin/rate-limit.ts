// A token bucket per key (per project for manual syncs): `burst` requests at once, then one more
// every 1/refillPerSecond seconds. Coalescing already bounds the work a burst causes; the limit
// bounds how often a caller may make the daemon reach upstream at all.

/** How many requests a bucket allows. */
export interface RateLimit {
  burst: number;
  refillPerSecond: number;
}

/** Default for POST …/sync: 5 at once, then one every 6 seconds per project. */
export const DEFAULT_SYNC_RATE_LIMIT: RateLimit = { burst: 5, refillPerSecond: 1 / 6 };

/** Per-key token buckets. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => Date.now(),
  ) {
    if (!(limit.burst >= 1) || !(limit.refillPerSecond > 0)) throw new Error('git-gate bug: a rate limit needs burst >= 1 and refillPerSecond > 0');
  }

  /** Takes one token for `key`: 0 when allowed, else the whole seconds to wait before one is free. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.refillPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.refillPerSecond));
  }
}
