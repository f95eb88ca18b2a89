export { session, sessionOf } from './session.js';
export { SESSION_KEY, type Session } from './session-state.js';
export { DEFAULTS, type SessionOptions } from './options.js';
export { COOKIE_DEFAULTS, type SessionCookieOptions } from './cookie.js';
export { cookieStore, COOKIE_LIMIT, type CookieStoreOptions } from './cookie-store.js';
export { memoryStore, MemoryStore, MEMORY_DEFAULTS, type MemoryStoreOptions } from './memory-store.js';
export { SessionStoreError } from './store-call.js';
export type { CookieStore, SealedSession, SessionData, SessionStore, StoredSession } from './store.js';
export type { SecretKey } from './keyring.js';
