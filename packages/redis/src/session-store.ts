/**
 * `redisSessionStore(client, options)`: @tsgi/session's server-side store in Redis,
 * shared by every worker and machine. A session is one key, `<prefix><id>`, holding
 * its data as JSON with Redis' own expiry (`PX`), so an abandoned session costs
 * nothing after its TTL and no sweep runs anywhere.
 *
 * `destroy(id)` is final. It leaves a tombstone in the key instead of deleting it, and
 * `set()` and `touch()` (each one Lua script, atomic) do nothing on a tombstone: a
 * request that loaded the session before a logout and saves it after cannot bring
 * it back. That is rack-session's CVE-2025-46336, where the Pool store re-created
 * deleted sessions. The tombstone lives as long as the session would have (its
 * remaining TTL), and at least `TOMBSTONE_MIN_MS`, longer than any request. A session
 * continues only under a new id (the middleware's `regenerate()`).
 *
 * Data goes through `JSON.stringify`: a `Date` comes back as a string, a `Map` as `{}`.
 * When Redis is down or slow, every call rejects with a `RedisStoreError` within
 * `timeout`; the session middleware turns that into a 503.
 *
 * @example
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 500 });
 * const withSessions = session({ store: redisSessionStore(client), secret: [key] })(app);
 * @see https://nvd.nist.gov/vuln/detail/CVE-2025-46336
 * @module
 */
import { checkClient, offlineQueueWarning, type RedisClient } from './client.js';
import { resolveStoreOptions, type RedisStoreOptions } from './options.js';
import { OutageWatch } from './outage.js';
import { RedisScript } from './script.js';

/** @tsgi/session's SessionData, declared here so this package does not depend on it. */
export type SessionData = Record<string, unknown>;

/** @tsgi/session's SessionStore. */
export interface SessionStore {
  get(id: string): Promise<SessionData | undefined>;
  set(id: string, data: SessionData, ttlMs: number): Promise<void>;
  destroy(id: string): Promise<void>;
  touch(id: string, ttlMs: number): Promise<void>;
  warning?(): string | undefined;
}

/** What a destroyed session's key holds: never the JSON of an object, which starts with `{`. */
export const TOMBSTONE = '!destroyed';
/** A tombstone lives at least this long (ms): an hour, longer than any request that could still save. */
export const TOMBSTONE_MIN_MS = 3_600_000;

// KEYS[1] the session; ARGV[1] the JSON, ARGV[2] the TTL in ms.
const SET = new RedisScript(`
if redis.call('GET', KEYS[1]) == '${TOMBSTONE}' then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);
// KEYS[1] the session; ARGV[1] the TTL in ms.
const TOUCH = new RedisScript(`
local saved = redis.call('GET', KEYS[1])
if not saved or saved == '${TOMBSTONE}' then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[1])`);
// KEYS[1] the session; ARGV[1] the tombstone's shortest life in ms.
const DESTROY = new RedisScript(`
local keep = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left > keep then keep = left end
redis.call('SET', KEYS[1], '${TOMBSTONE}', 'PX', keep)
return 1`);

const nothing = (): void => undefined;
const isTtl = (ttl: unknown): ttl is number => typeof ttl === 'number' && Number.isSafeInteger(ttl) && ttl > 0;

export function redisSessionStore(client: RedisClient, options: RedisStoreOptions = {}): SessionStore {
  const redis = checkClient(client, 'redisSessionStore');
  const { prefix, timeout, onOutage } = resolveStoreOptions(options, 'redisSessionStore', 'tsgi:sess:');
  const watch = new OutageWatch('redisSessionStore', timeout, onOutage);
  const keyOf = (id: string): string => {
    if (typeof id !== 'string' || id === '') throw new TypeError(`redisSessionStore: a session id must be a non-empty string, got ${String(id)}`);
    return prefix + id;
  };
  const checkTtl = (ttlMs: number): number => {
    if (!isTtl(ttlMs)) throw new TypeError(`redisSessionStore: ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}`);
    return ttlMs;
  };

  /** The session in a key's value: undefined for none, a tombstone, or anything not ours. */
  const parse = (saved: string | null): SessionData | undefined => {
    if (saved === null || saved === TOMBSTONE) return undefined;
    try {
      const data: unknown = JSON.parse(saved);
      return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as SessionData) : undefined;
    } catch {
      return undefined; // not ours (another app under the same prefix): no session
    }
  };

  // get() and set() are on every request: plain functions, one promise each (the watch's).
  return {
    get(id) {
      try {
        return watch.call(redis.get(keyOf(id)), parse);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    set(id, data, ttlMs) {
      try {
        const key = keyOf(id);
        const json = JSON.stringify(data);
        if (typeof json !== 'string' || !json.startsWith('{')) {
          throw new TypeError(`redisSessionStore: session data must be a plain object that JSON.stringify accepts, got ${json === undefined ? typeof data : json.slice(0, 40)}`);
        }
        return watch.call(SET.run(redis, key, [json, checkTtl(ttlMs)]), nothing);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async destroy(id) {
      await watch.call(DESTROY.run(redis, keyOf(id), [TOMBSTONE_MIN_MS]));
    },
    async touch(id, ttlMs) {
      await watch.call(TOUCH.run(redis, keyOf(id), [checkTtl(ttlMs)]));
    },
    warning: () => offlineQueueWarning(redis, 'redisSessionStore'),
  };
}
