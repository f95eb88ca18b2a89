/**
 * `session()`'s options, their defaults, and the one place they are checked: a bad
 * option throws a `TypeError` at factory time naming it and the value seen.
 *
 * @example
 * const config = resolveSessionOptions({ store: cookieStore({ keys: [secret] }), maxAge: 3_600_000 });
 * @module
 */
import { resolveCookie, type ResolvedCookie, type SessionCookieOptions } from './cookie.js';
import { memoryStore } from './memory-store.js';
import type { CookieStore, SessionStore } from './store.js';

export interface SessionOptions {
  /** Where sessions live: `cookieStore({ keys })`, `memoryStore()` or a Redis store. @default memoryStore() */
  store?: SessionStore | CookieStore;
  /** How long a session lasts, in milliseconds: since its last request (`rolling`) or since it began (`absolute`). @default 86_400_000 (one day) */
  maxAge?: number;
  /**
   * `'rolling'`: each request with a session extends it by `maxAge` (an idle timeout;
   * the store is touched and the cookie re-sent on every such request).
   * `'absolute'`: a session ends `maxAge` after it began (or was regenerated), however
   * busy; the cookie goes out only when the session changed.
   * @default 'rolling'
   */
  expiry?: 'rolling' | 'absolute';
  /** The cookie's name and attributes. @default { name: 'sid', path: '/', secure: 'auto', httpOnly: true, sameSite: 'lax' } */
  cookie?: SessionCookieOptions;
  /** Milliseconds to wait for a store call before answering 503. @default 2000 */
  storeTimeout?: number;
  /** Throw core's `HttpError(503)` when the store fails, for `httpErrors()` to render. @default false */
  throwHttpErrors?: boolean;
  /** The clock, epoch ms (tests pass their own). @default Date.now */
  now?: () => number;
}

export const DEFAULTS = {
  maxAge: 86_400_000,
  expiry: 'rolling',
  cookie: {},
  storeTimeout: 2000,
  throwHttpErrors: false,
  now: Date.now,
} satisfies Required<Omit<SessionOptions, 'store'>>;

export interface ResolvedSession {
  store: SessionStore | CookieStore;
  maxAge: number;
  rolling: boolean;
  cookie: ResolvedCookie;
  storeTimeout: number;
  throwHttpErrors: boolean;
  now: () => number;
}

const MAX_TIMER = 2 ** 31 - 1;
const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function fail(option: string, wanted: string, value: unknown): never {
  throw new TypeError(`session: ${option} must be ${wanted}, got ${show(value)}`);
}

function isPositiveInteger(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= max;
}

function isStore(store: unknown): store is SessionStore | CookieStore {
  if (typeof store !== 'object' || store === null) return false;
  const s = store as Record<string, unknown>;
  if (s.kind === 'cookie') return typeof s.seal === 'function' && typeof s.open === 'function';
  return ['get', 'set', 'destroy', 'touch'].every((method) => typeof s[method] === 'function');
}

export function resolveSessionOptions(options: SessionOptions): ResolvedSession {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('session: options must be an object such as { store: cookieStore({ keys: [process.env.SESSION_SECRET] }) }');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'store' && !Object.hasOwn(DEFAULTS, key)) {
      throw new TypeError(`session: unknown option ${JSON.stringify(key)} (known: store, ${Object.keys(DEFAULTS).join(', ')})`);
    }
  }
  const maxAge = options.maxAge ?? DEFAULTS.maxAge;
  if (!isPositiveInteger(maxAge)) fail('maxAge', 'a positive integer of milliseconds', maxAge);
  const expiry = options.expiry ?? DEFAULTS.expiry;
  if (expiry !== 'rolling' && expiry !== 'absolute') fail('expiry', "'rolling' or 'absolute'", expiry);
  const storeTimeout = options.storeTimeout ?? DEFAULTS.storeTimeout;
  if (!isPositiveInteger(storeTimeout, MAX_TIMER)) fail('storeTimeout', 'a positive integer of milliseconds', storeTimeout);
  const throwHttpErrors = options.throwHttpErrors ?? DEFAULTS.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean') fail('throwHttpErrors', 'true or false', throwHttpErrors);
  const now = options.now ?? DEFAULTS.now;
  if (typeof now !== 'function') fail('now', 'a function returning epoch milliseconds', now);
  const store = options.store ?? memoryStore();
  if (!isStore(store)) fail('store', 'cookieStore({ keys }), memoryStore() or an object with get, set, destroy and touch', store);
  return { store, maxAge, rolling: expiry === 'rolling', cookie: resolveCookie(options.cookie ?? DEFAULTS.cookie), storeTimeout, throwHttpErrors, now };
}
