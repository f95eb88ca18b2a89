/**
 * `rateLimit()`'s options, their defaults, and the one place they are checked: a bad
 * option throws a `TypeError` at factory time naming it and the value seen, so a
 * misconfigured limiter never reaches a request.
 *
 * @example
 * const config = resolveOptions({ limit: 10, window: 1000 }); // fills every other option
 * @module
 */
import type { Application, Environ } from '@tsgi/core';
import { clientAddress } from './client-address.js';
import { headerPlan, type HeaderForm, type HeaderPlan } from './headers.js';
import { memoryStore } from './memory-store.js';
import type { Algorithm, RateLimitPolicy, RateLimitStore } from './store.js';

export interface RateLimitOptions {
  /** Quota units allowed per `window` (a request costs `cost`): a positive integer. @default 100 */
  limit?: number;
  /** The window in milliseconds: a positive integer. @default 60_000 */
  window?: number;
  /**
   * `'gcra'`: a bucket of `limit` units refilled evenly over `window` (bursts up to
   * `limit`, then a steady rate); `'sliding-window'`: at most `limit` per fixed
   * window, the previous window weighted in. See the README for why GCRA is the default.
   * @default 'gcra'
   */
  algorithm?: Algorithm;
  /**
   * Who is counted: the client address by default (`REMOTE_ADDR`, put `proxyFix()`
   * above behind a proxy; IPv6 clients by their /56 network). Return
   * `environ.REMOTE_USER` to count users, or add the route to count per endpoint.
   * @default clientAddress
   */
  key?: (environ: Environ) => string;
  /** Units a request costs: a non-negative integer, or a function of the request. @default 1 */
  cost?: number | ((environ: Environ) => number);
  /** The policy's name in the RateLimit fields; keeps its counters apart in a shared store. @default 'default' */
  name?: string;
  /** The RateLimit fields on every counted response: `'draft-8'`, `'legacy'` (draft 6) or `false`. @default 'draft-8' */
  headers?: HeaderForm;
  /** Where the counters live. @default memoryStore() */
  store?: RateLimitStore;
  /** Requests for which this returns true are neither counted nor limited. @default undefined */
  skip?: (environ: Environ) => boolean;
  /**
   * An application that answers refused requests instead of the default text 429. It
   * sees `environ['tsgi.rate_limit']`; its response gets the RateLimit fields, and a
   * 429 gets `Retry-After`, unless it set them. Not with `throwHttpErrors`.
   * @default undefined
   */
  handler?: Application;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, for `httpErrors()` from @tsgi/errors above to
   * render: the 429 (with `Retry-After` and the RateLimit fields) and the fail-closed
   * 503. Not with `handler`.
   * @default false
   */
  throwHttpErrors?: boolean;
  /**
   * When the store throws, rejects or does not answer within `storeTimeout`: `'open'`
   * lets the request through uncounted, `'closed'` answers 503. Either way the outage
   * is logged once to `wsgi.errors` when it starts and once when it ends.
   * @default 'open'
   */
  onStoreError?: 'open' | 'closed';
  /** Milliseconds to wait for a store that answers with a Promise. @default 1000 */
  storeTimeout?: number;
}

/** The options resolved once, for the middleware. */
export interface RateLimitConfig {
  policy: RateLimitPolicy;
  key: (environ: Environ) => string;
  cost: number | ((environ: Environ) => number);
  headers: HeaderPlan;
  store: RateLimitStore;
  skip: ((environ: Environ) => boolean) | undefined;
  handler: Application | undefined;
  throwHttpErrors: boolean;
  onStoreError: 'open' | 'closed';
  storeTimeout: number;
}

export const DEFAULTS = {
  limit: 100,
  window: 60_000,
  algorithm: 'gcra',
  key: clientAddress,
  cost: 1,
  name: 'default',
  headers: 'draft-8',
  throwHttpErrors: false,
  onStoreError: 'open',
  storeTimeout: 1000,
} satisfies Omit<Required<RateLimitOptions>, 'store' | 'skip' | 'handler'>;

/** limit * window stays far enough below 2^53 for the counters' integer arithmetic. */
const MAX_UNIT_MS = 2 ** 46;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));
const isPositiveInteger = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

function fail(option: string, wanted: string, value: unknown): never {
  throw new TypeError(`rateLimit: ${option} must be ${wanted}, got ${show(value)}`);
}

function optionalFunction<T>(value: T | undefined, option: string, wanted: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(option, wanted, value);
  return value;
}

export function resolveOptions(options: RateLimitOptions): RateLimitConfig {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('rateLimit: options must be an object such as { limit: 100, window: 60_000 }');
  }
  // `?? DEFAULTS`, not a spread: an option given as undefined means its default too.
  const o = {
    limit: options.limit ?? DEFAULTS.limit,
    window: options.window ?? DEFAULTS.window,
    algorithm: options.algorithm ?? DEFAULTS.algorithm,
    key: options.key ?? DEFAULTS.key,
    cost: options.cost ?? DEFAULTS.cost,
    name: options.name ?? DEFAULTS.name,
    headers: options.headers ?? DEFAULTS.headers,
    throwHttpErrors: options.throwHttpErrors ?? DEFAULTS.throwHttpErrors,
    onStoreError: options.onStoreError ?? DEFAULTS.onStoreError,
    storeTimeout: options.storeTimeout ?? DEFAULTS.storeTimeout,
  };
  if (!isPositiveInteger(o.limit)) fail('limit', 'a positive integer (quota units per window)', o.limit);
  if (!isPositiveInteger(o.window)) fail('window', 'a positive integer (milliseconds)', o.window);
  if (o.limit * o.window > MAX_UNIT_MS) fail('limit * window', `at most 2^46 (e.g. 1e6 per day); limit ${o.limit} and window ${o.window} ms give`, o.limit * o.window);
  if (o.algorithm !== 'gcra' && o.algorithm !== 'sliding-window') fail('algorithm', "'gcra' or 'sliding-window'", o.algorithm);
  if (typeof o.key !== 'function') fail('key', 'a function (environ) => string', o.key);
  if (typeof o.cost === 'number' ? !Number.isSafeInteger(o.cost) || o.cost < 0 : typeof o.cost !== 'function') {
    fail('cost', 'a non-negative integer or a function (environ) => number', o.cost);
  }
  if (typeof o.name !== 'string' || !PRINTABLE_ASCII.test(o.name)) fail('name', 'a non-empty string of printable ASCII', o.name);
  if (o.headers !== 'draft-8' && o.headers !== 'legacy' && o.headers !== false) fail('headers', "'draft-8', 'legacy' or false", o.headers);
  if (typeof o.throwHttpErrors !== 'boolean') fail('throwHttpErrors', 'true or false', o.throwHttpErrors);
  if (o.onStoreError !== 'open' && o.onStoreError !== 'closed') fail('onStoreError', "'open' or 'closed'", o.onStoreError);
  if (!isPositiveInteger(o.storeTimeout) || o.storeTimeout > 2 ** 31 - 1) fail('storeTimeout', 'a positive integer of milliseconds', o.storeTimeout);
  const store = options.store ?? memoryStore();
  if (typeof store !== 'object' || store === null || typeof store.hit !== 'function') fail('store', 'a store with a hit() method, such as memoryStore()', store);
  const skip = optionalFunction(options.skip, 'skip', 'a function (environ) => boolean');
  const handler = optionalFunction(options.handler, 'handler', 'an Application');
  if (handler !== undefined && o.throwHttpErrors) throw new TypeError('rateLimit: give either handler or throwHttpErrors, not both');
  return {
    policy: Object.freeze({ name: o.name, limit: o.limit, window: o.window, algorithm: o.algorithm }),
    key: o.key,
    cost: o.cost,
    headers: headerPlan(o.headers, o.name, o.limit, o.window),
    store,
    skip,
    handler,
    throwHttpErrors: o.throwHttpErrors,
    onStoreError: o.onStoreError,
    storeTimeout: o.storeTimeout,
  };
}
