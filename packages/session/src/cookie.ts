/**
 * The session cookie's attributes and the `Set-Cookie` values that send or clear it,
 * through @tsgi/request's `serializeCookie` (which refuses what browsers would drop).
 * `HttpOnly` and `SameSite=Lax` by default; `Secure` by default exactly when the request
 * came over HTTPS (`wsgi.url_scheme`, which `proxyFix()` corrects behind a TLS proxy).
 * `Max-Age` follows the session's expiry, in whole seconds rounded up.
 *
 * @example
 * const cookie = resolveCookie({ name: 'sid' });
 * setSessionCookie(cookie, 'https', id, 86_400_000); // 'sid=...; Max-Age=86400; Path=/; HttpOnly; Secure; SameSite=Lax'
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-4.1
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
 * @module
 */
import { isToken } from '@tsgi/core';
import { deleteCookie, serializeCookie, type CookieOptions } from '@tsgi/request';

export interface SessionCookieOptions {
  /** The cookie's name. @default 'sid' */
  name?: string;
  /** @default '/' */
  path?: string;
  /** Hosts it is sent to; without it, only the host that set it (safer). @default undefined */
  domain?: string;
  /** `'auto'`: when `wsgi.url_scheme` is https. @default 'auto' */
  secure?: boolean | 'auto';
  /** Hidden from page scripts. @default true */
  httpOnly?: boolean;
  /** @default 'lax' */
  sameSite?: 'strict' | 'lax' | 'none';
  /** CHIPS: kept per top-level site (needs `secure: true`). @default false */
  partitioned?: boolean;
}

export const COOKIE_DEFAULTS = {
  name: 'sid',
  path: '/',
  secure: 'auto',
  httpOnly: true,
  sameSite: 'lax',
  partitioned: false,
} satisfies Required<Omit<SessionCookieOptions, 'domain'>>;

/** The attributes resolved once: one set for HTTPS requests and one for plain HTTP. */
export interface ResolvedCookie {
  name: string;
  https: CookieOptions;
  http: CookieOptions;
}

function fail(option: string, wanted: string, value: unknown): never {
  throw new TypeError(`session: cookie.${option} must be ${wanted}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

export function resolveCookie(options: SessionCookieOptions = {}): ResolvedCookie {
  if (typeof options !== 'object' || options === null) fail('', "an object such as { name: 'sid' }", options);
  for (const key of Object.keys(options)) {
    if (key !== 'domain' && !Object.hasOwn(COOKIE_DEFAULTS, key)) {
      throw new TypeError(`session: unknown cookie option ${JSON.stringify(key)} (known: ${[...Object.keys(COOKIE_DEFAULTS), 'domain'].join(', ')})`);
    }
  }
  const name = options.name ?? COOKIE_DEFAULTS.name;
  if (typeof name !== 'string' || !isToken(name)) fail('name', 'a cookie name (an HTTP token)', name);
  const path = options.path ?? COOKIE_DEFAULTS.path;
  if (typeof path !== 'string' || !path.startsWith('/')) fail('path', "a path starting with '/'", path);
  const domain = options.domain;
  if (domain !== undefined && (typeof domain !== 'string' || domain === '')) fail('domain', 'a host name', domain);
  const secure = options.secure ?? COOKIE_DEFAULTS.secure;
  if (secure !== true && secure !== false && secure !== 'auto') fail('secure', "true, false or 'auto'", secure);
  const httpOnly = options.httpOnly ?? COOKIE_DEFAULTS.httpOnly;
  if (typeof httpOnly !== 'boolean') fail('httpOnly', 'true or false', httpOnly);
  const sameSite = options.sameSite ?? COOKIE_DEFAULTS.sameSite;
  if (sameSite !== 'strict' && sameSite !== 'lax' && sameSite !== 'none') fail('sameSite', "'strict', 'lax' or 'none'", sameSite);
  const partitioned = options.partitioned ?? COOKIE_DEFAULTS.partitioned;
  if (typeof partitioned !== 'boolean') fail('partitioned', 'true or false', partitioned);
  const base: CookieOptions = { path, domain, httpOnly, sameSite, partitioned };
  const resolved: ResolvedCookie = {
    name,
    https: { ...base, secure: secure !== false },
    http: { ...base, secure: secure === true },
  };
  // The combinations browsers refuse (SameSite=None or a __Host- name without Secure...)
  // fail here, at start-up, instead of on the first plain-HTTP request.
  serializeCookie(name, 'x', resolved.https);
  if (secure !== 'auto') serializeCookie(name, 'x', resolved.http);
  else if (sameSite === 'none' || partitioned || /^__(secure|host)-/i.test(name)) {
    fail('secure', `true with ${sameSite === 'none' ? "sameSite 'none'" : partitioned ? 'partitioned' : `the name ${JSON.stringify(name)}`} (browsers drop such a cookie without Secure)`, secure);
  }
  return resolved;
}

function attributes(cookie: ResolvedCookie, scheme: unknown): CookieOptions {
  return scheme === 'https' ? cookie.https : cookie.http;
}

/** Session ids and sealed sessions are base64url: nothing in them to check or encode. */
const BASE64URL = /^[\w-]+$/;

/** The attributes after `name=value` for one Max-Age, kept from the last call per scheme. */
interface Tail {
  maxAge: number;
  text: string;
}
const tails = new WeakMap<CookieOptions, Tail>();

/**
 * The `Set-Cookie` that sends `value` for `ttlMs` more milliseconds. In rolling mode
 * every response sends the same attributes (the same Max-Age): they are serialized
 * and checked once and kept, and a base64url value is put in front as it is.
 */
export function setSessionCookie(cookie: ResolvedCookie, scheme: unknown, value: string, ttlMs: number): string {
  const options = attributes(cookie, scheme);
  const maxAge = Math.ceil(ttlMs / 1000);
  if (!BASE64URL.test(value)) return serializeCookie(cookie.name, value, { ...options, maxAge });
  let tail = tails.get(options);
  if (tail?.maxAge !== maxAge) {
    const full = serializeCookie(cookie.name, 'x', { ...options, maxAge });
    tails.set(options, (tail = { maxAge, text: full.slice(cookie.name.length + 2) }));
  }
  return `${cookie.name}=${value}${tail.text}`;
}

/** The `Set-Cookie` that makes the browser forget the cookie. */
export function clearSessionCookie(cookie: ResolvedCookie, scheme: unknown): string {
  const { path, domain, secure, sameSite, partitioned } = attributes(cookie, scheme);
  return deleteCookie(cookie.name, { path, domain, secure, sameSite, partitioned });
}
