/**
 * What `rateLimit()` asks of a store: one call per request, `hit(key, cost, now,
 * policy)`, that counts the request and says whether it may pass, atomically where
 * the counters live. The algorithm runs in the store, next to the state, so a shared
 * store needs exactly one round trip per request:
 *
 * - `memoryStore()`: in this process (a Map); synchronous, no round trip at all.
 * - `clusterStore()`: in the `tsgi` CLI's primary process, one IPC message each way.
 * - `redisStore()` from @tsgi/redis: one `EVALSHA` of a Lua script doing the same
 *   arithmetic on a string `g tat frac` (GCRA) or `s start previous current`
 *   (sliding window), written with `PX` until `resetAt`.
 *
 * Every store gives the same answers for the same calls (test/store-conformance.test.ts
 * checks the ones here against each other), so an app moves between them by changing
 * one option.
 *
 * @example
 * const store: RateLimitStore = {
 *   async hit(key, cost, now, policy) {
 *     return JSON.parse(await redis.evalsha(SHA, 1, `rl:${policy.name}:${key}`, cost, now, policy.limit, policy.window));
 *   },
 * };
 * @module
 */

/** How counting works: see the package README for what each promises. */
export type Algorithm = 'gcra' | 'sliding-window';

/** One rateLimit() instance's rule, passed with every hit (a store may serve several). */
export interface RateLimitPolicy {
  /** The policy's name, as in the RateLimit headers; stores keep each name's keys apart. */
  readonly name: string;
  /** Quota units per window: a positive integer. */
  readonly limit: number;
  /** The window in milliseconds: a positive integer. */
  readonly window: number;
  readonly algorithm: Algorithm;
}

/** A store's answer for one hit. Times are epoch milliseconds, integers. */
export interface HitResult {
  /** Whether the request may pass; its cost was counted only if so. */
  allowed: boolean;
  /** Quota units left after this hit: a request costing this much would pass now, one more would not. */
  remaining: number;
  /** When the whole quota is back if nothing more is spent (`now` when it already is). */
  resetAt: number;
  /**
   * When a request of the same cost would pass, if nothing else is spent meanwhile:
   * `now` when allowed, `Infinity` when the cost is more than the limit (never).
   */
  retryAt: number;
}

export interface RateLimitStore {
  /**
   * Counts `cost` units for `key` under `policy` at `now` (epoch ms) and answers, in
   * one atomic step. A throw, a rejection or no answer within the middleware's
   * `storeTimeout` is a store failure (see `onStoreError`).
   */
  hit(key: string, cost: number, now: number, policy: RateLimitPolicy): HitResult | Promise<HitResult>;
  /**
   * Asked once, at the first request: a sentence to log to `wsgi.errors` when this
   * store will not do what the user probably expects here (counters per worker
   * process, a fallback), or undefined.
   */
  warning?(): string | undefined;
}
