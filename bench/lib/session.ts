/**
 * The `session` scenario's fixture: one visitor with a live session in every row, whose
 * counter each request reads and writes. The load generator sends one Cookie header
 * holding each row's own cookie (each row reads only its cookie name):
 *
 * - `tsgi.cookie`: a cookieStore() session, sealed here with node:crypto's AES-256-GCM
 *   and HKDF exactly as @tsgi/session's keyring.ts does with WebCrypto (so the fixture
 *   also shows the format is plain, interoperable AES-GCM);
 * - `tsgi.memory`: the id of a session the tsgi target puts in its memoryStore at start;
 * - `session` + `session.sig`: cookie-session's base64 JSON and Keygrip's HMAC-SHA1;
 * - `connect.sid`: express-session's `s:` + id signed by cookie-signature (HMAC-SHA256),
 *   the session put in its MemoryStore at start.
 *
 * Every row answers hello world with the new count in `X-Visits` (42 on the first
 * request: the fixture holds 41), so session.test.ts can see each row read the session.
 */
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';

export const SESSION_SECRET = 'the bench session secret, 32 bytes or more';
export const START_VISITS = 41;
export const TSGI_COOKIE = 'tsgi.cookie';
export const TSGI_MEMORY = 'tsgi.memory';
/** The `session-redis` scenario's cookie: the same id, put in Redis by the tsgi target at start. */
export const TSGI_REDIS = 'tsgi.redis';
/** A session id of @tsgi/session's shape (32 base64url characters). */
export const TSGI_MEMORY_ID = 'benchSessionIdOfThe32Characters_';
export const EXPRESS_SESSION_ID = 'bench-express-session-id';
const DAY = 86_400_000;

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** A cookieStore() value for `name`, sealed with node:crypto. */
export function sealTsgi(name: string, session: Record<string, unknown>): string {
  const key = Buffer.from(hkdfSync('sha256', SESSION_SECRET, Buffer.alloc(0), 'tsgi-session cookie AES-256-GCM v1', 32));
  const iv = Buffer.alloc(12, 7); // a fixed IV is fine for a fixture, never for real sessions
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`tsgi-session:1:${name}`));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(session)), cipher.final(), cipher.getAuthTag()]);
  return base64url(Buffer.concat([Buffer.from([1]), iv, sealed]));
}

/** cookie-session's value and Keygrip's signature of `name=value`. */
function cookieSession(): string {
  const value = Buffer.from(JSON.stringify({ visits: START_VISITS })).toString('base64');
  const sig = createHmac('sha1', SESSION_SECRET).update(`session=${value}`).digest('base64url');
  return `session=${value}; session.sig=${sig}`;
}

/** express-session's cookie: `s:<id>.<HMAC-SHA256 base64 without padding>`, URI-encoded. */
function expressSession(): string {
  const sig = createHmac('sha256', SESSION_SECRET).update(EXPRESS_SESSION_ID).digest('base64').replace(/=+$/, '');
  return `connect.sid=${encodeURIComponent(`s:${EXPRESS_SESSION_ID}.${sig}`)}`;
}

function tsgiCookie(): string {
  const now = Date.now();
  const id = 'benchCookieSessionIdOf32Chars___';
  return `${TSGI_COOKIE}=${sealTsgi(TSGI_COOKIE, { data: { visits: START_VISITS }, created: now, id, expires: now + 7 * DAY })}`;
}

/** The one Cookie header of the scenario, every row's cookie in it. */
export const SESSION_COOKIE_HEADER = [tsgiCookie(), `${TSGI_MEMORY}=${TSGI_MEMORY_ID}`, cookieSession(), expressSession()].join('; ');
