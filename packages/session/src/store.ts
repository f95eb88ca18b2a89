/**
 * What `session()` asks of a store. Two kinds, because a session lives either on the
 * server under an id the cookie carries, or in the cookie itself:
 *
 * - a {@link SessionStore} (`memoryStore()`, a Redis store from `@tsgi/redis`) keeps a
 *   {@link StoredSession} under a random id: `get`, `set` with a time to live,
 *   `destroy`, `touch`. The cookie holds the id only.
 * - a {@link CookieStore} (`cookieStore({ keys })`) seals the session into the cookie
 *   value (encrypted and authenticated) and opens it again; nothing is kept on the server.
 *
 * A store call that throws, rejects or does not answer within `storeTimeout` is a
 * store failure: the request gets a 503 and the outage is logged once (store-call.ts).
 * A store never sees the request; ids are made by the middleware, never taken from a
 * client (an id the store does not know gives a new one).
 *
 * @example
 * const store: SessionStore = {
 *   async get(id) { const text = await redis.get(`sess:${id}`); return text === null ? undefined : JSON.parse(text); },
 *   async set(id, data, ttlMs) { await redis.set(`sess:${id}`, JSON.stringify(data), 'PX', ttlMs); },
 *   async destroy(id) { await redis.del(`sess:${id}`); },
 *   async touch(id, ttlMs) { await redis.pexpire(`sess:${id}`, ttlMs); },
 * };
 * @module
 */

/** JSON-serializable session data. */
export type SessionData = Record<string, unknown>;

/** A server-side store: sessions kept under their id, each with a time to live. */
export interface SessionStore {
  /** The data `set` last stored under `id`, or undefined when there is none (never stored, destroyed, expired). */
  get(id: string): Promise<SessionData | undefined>;
  /** Stores `data` under `id` for `ttlMs` milliseconds (a positive integer), replacing what was there. */
  set(id: string, data: SessionData, ttlMs: number): Promise<void>;
  /** Forgets `id`: a later `get(id)` answers undefined, and `touch(id)` must not bring it back. */
  destroy(id: string): Promise<void>;
  /** Gives `id` `ttlMs` more milliseconds from now, if it is still there (rolling expiry). */
  touch(id: string, ttlMs: number): Promise<void>;
  /** Optional: once at the first request, a sentence to log to wsgi.errors (e.g. per-process store under several CLI workers). */
  warning?(): string | undefined;
}

/**
 * What `session()` keeps in a {@link SessionStore} for one session (the `data` given to
 * `set`): the app's values, the flash messages not read yet, and when it began.
 */
export interface StoredSession extends SessionData {
  /** The app's values (`session.get/set`). */
  data: SessionData;
  /** Flash messages by key, each read once. */
  flash?: Record<string, unknown[]>;
  /** When the session was made (or regenerated), epoch ms: absolute expiry counts from it. */
  created: number;
}

/** What a {@link CookieStore} seals into the cookie: the stored session, its id and its end. */
export interface SealedSession extends StoredSession {
  id: string;
  /** Epoch ms after which the cookie is refused, whatever the browser does with Max-Age. */
  expires: number;
}

/** A store that keeps the whole session in the cookie. */
export interface CookieStore {
  readonly kind: 'cookie';
  /** The cookie value for `session` in cookie `name`. Throws a RangeError past the browsers' 4096 bytes. */
  seal(name: string, session: SealedSession): Promise<string>;
  /** The session sealed into `value` for cookie `name`, or undefined for anything else (tampered, truncated, another key). */
  open(name: string, value: string): Promise<SealedSession | undefined>;
}

export function isCookieStore(store: SessionStore | CookieStore): store is CookieStore {
  return (store as CookieStore).kind === 'cookie';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a store's answer has the shape `session()` saved; anything else counts as no session. */
export function isStoredSession(value: unknown): value is StoredSession {
  if (!isRecord(value) || !isRecord(value.data) || typeof value.created !== 'number') return false;
  const flash = value.flash;
  return flash === undefined || (isRecord(flash) && Object.values(flash).every(Array.isArray));
}
