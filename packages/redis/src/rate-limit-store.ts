/**
 * `redisStore(client, options)`: @tsgi/rate-limit's counters in Redis, shared by every
 * worker and every machine. Each request is one `EVALSHA` of a Lua script
 * (rate-limit-script.ts) that reads the key's counters, decides with the same
 * integer arithmetic as `memoryStore()`, and writes them back with `PX`, atomically
 * in Redis: no lock, no race between two app servers, one round trip.
 *
 * Keys are `<prefix><policy name, URI-encoded>:<key>`, one per call, so the store
 * works on a Redis Cluster client as on a single node. Expiry is Redis' own (`PX`):
 * no `maxKeys` here; bound Redis' memory with its `maxmemory` and a `volatile-*`
 * eviction policy.
 *
 * When Redis is down or slow, a hit rejects within `timeout` (and the middleware's
 * `storeTimeout`); `rateLimit()` then lets the request through or answers 503 as its
 * `onStoreError` says, and logs the outage once. ioredis reconnects by itself, and
 * the next request after Redis is back is counted again.
 *
 * @example
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 500 });
 * const limited = rateLimit({ limit: 100, window: 60_000, store: redisStore(client) })(app);
 * @module
 */
import { checkClient, offlineQueueWarning, type RedisClient } from './client.js';
import { resolveStoreOptions, type RedisStoreOptions } from './options.js';
import { OutageWatch, RedisStoreError } from './outage.js';
import { EXPIRY_SLACK_MS, RATE_LIMIT_LUA } from './rate-limit-script.js';
import { RedisScript } from './script.js';

/** @tsgi/rate-limit's RateLimitPolicy, declared here so this package does not depend on it. */
export interface RateLimitPolicy {
  readonly name: string;
  readonly limit: number;
  readonly window: number;
  readonly algorithm: 'gcra' | 'sliding-window';
}

/** @tsgi/rate-limit's HitResult. */
export interface HitResult {
  allowed: boolean;
  remaining: number;
  resetAt: number;
  retryAt: number;
}

/** The store `rateLimit({ store })` takes (@tsgi/rate-limit's RateLimitStore). */
export interface RedisRateLimitStore {
  hit(key: string, cost: number, now: number, policy: RateLimitPolicy): Promise<HitResult>;
  warning(): string | undefined;
}

const SCRIPT = new RedisScript(RATE_LIMIT_LUA);
const ALGORITHM_TAG = { gcra: 'g', 'sliding-window': 's' } as const;

export function redisStore(client: RedisClient, options: RedisStoreOptions = {}): RedisRateLimitStore {
  const redis = checkClient(client, 'redisStore');
  const { prefix, timeout, onOutage } = resolveStoreOptions(options, 'redisStore', 'tsgi:rl:');
  const watch = new OutageWatch('redisStore', timeout, onOutage);
  // The last policy's key prefix: most stores serve one policy.
  let lastPolicy: RateLimitPolicy | undefined;
  let lastPrefix = '';

  return {
    hit: function redisHit(key, cost, now, policy) {
      if (policy !== lastPolicy) {
        lastPolicy = policy;
        lastPrefix = `${prefix}${encodeURIComponent(policy.name)}:`;
      }
      const args = [ALGORITHM_TAG[policy.algorithm], cost, now, policy.limit, policy.window, EXPIRY_SLACK_MS];
      return watch.call(SCRIPT.run(redis, lastPrefix + key, args), toHitResult);
    },
    warning: () => offlineQueueWarning(redis, 'redisStore'),
  };
}

function toHitResult(reply: unknown): HitResult {
  if (!Array.isArray(reply) || reply.length !== 4) {
    throw new RedisStoreError(`redisStore: the script answered ${JSON.stringify(reply)}, not [allowed, remaining, resetAt, retryAt]`);
  }
  const retryAt = Number(reply[3]);
  return { allowed: reply[0] === 1, remaining: Number(reply[1]), resetAt: Number(reply[2]), retryAt: retryAt < 0 ? Infinity : retryAt };
}
