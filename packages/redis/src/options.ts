/**
 * The options both stores take, their defaults and the one place they are checked:
 * a bad option throws a `TypeError` at factory time naming it and the value seen.
 *
 * @example
 * const resolved = resolveStoreOptions({ prefix: 'shop:rl:' }, 'redisStore', 'tsgi:rl:');
 * @module
 */
import type { OutageEvent } from './outage.js';

export interface RedisStoreOptions {
  /**
   * Put before every key the store writes, to keep apps sharing one Redis apart.
   * Each call touches one key, so on a Cluster keys spread over the slots; a prefix
   * with a hash tag (`'{tsgi}:rl:'`) would pin them all to one node.
   * @default 'tsgi:rl:' (redisStore), 'tsgi:sess:' (redisSessionStore)
   */
  prefix?: string;
  /** Milliseconds a call may take before it fails (Redis down, slow, or unreachable). @default 1000 */
  timeout?: number;
  /**
   * Told once when Redis stops answering (`{ type: 'down', error }`) and once when it
   * answers again (`{ type: 'up', failures, downMs }`). rateLimit() logs outages to
   * `wsgi.errors` itself; for sessions, log here.
   * @default undefined
   */
  onOutage?: (event: OutageEvent) => void;
}

export const DEFAULTS = { timeout: 1000 } satisfies Pick<Required<RedisStoreOptions>, 'timeout'>;

export interface ResolvedStoreOptions {
  prefix: string;
  timeout: number;
  onOutage: ((event: OutageEvent) => void) | undefined;
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

export function resolveStoreOptions(options: RedisStoreOptions, who: string, defaultPrefix: string): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${who}: options must be an object such as { prefix: ${JSON.stringify(defaultPrefix)}, timeout: 1000 }`);
  }
  const prefix = options.prefix ?? defaultPrefix;
  const timeout = options.timeout ?? DEFAULTS.timeout;
  const { onOutage } = options;
  if (typeof prefix !== 'string') throw new TypeError(`${who}: prefix must be a string (put before every key), got ${show(prefix)}`);
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 1 || timeout > 2 ** 31 - 1) {
    throw new TypeError(`${who}: timeout must be a positive integer of milliseconds, got ${show(timeout)}`);
  }
  if (onOutage !== undefined && typeof onOutage !== 'function') {
    throw new TypeError(`${who}: onOutage must be a function (event) => void, got ${show(onOutage)}`);
  }
  return { prefix, timeout, onOutage };
}
