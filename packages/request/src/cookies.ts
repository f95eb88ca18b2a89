/**
 * Cookies by RFC 6265: the request's `Cookie` header as a record, and `Set-Cookie`
 * values with every attribute (Max-Age, Expires, Domain, Path, Secure, HttpOnly,
 * Partitioned, SameSite, Priority). Parsing and serialising are jshttp's `cookie`
 * (the one Express uses, 1.x: it refuses a name, path or domain that would smuggle
 * an attribute, the fix for CVE-2024-47764); on top of it this file refuses what
 * browsers would silently drop, so the mistake shows where it is made:
 * `SameSite=None` or `Partitioned` without `Secure`, and the `__Secure-` and
 * `__Host-` prefixes without what they require.
 *
 * Values are percent-encoded on the way out (`encodeURIComponent`) and decoded on the
 * way in, so any string round-trips. The `Cookie` header arrives as a PEP 3333
 * native string (its bytes); it is read as UTF-8 first, so a raw non-ASCII value a
 * browser sent comes back as the text it was.
 *
 * @example
 * serializeCookie('theme', 'dark', { path: '/', maxAge: 86400, sameSite: 'lax' });
 * // 'theme=dark; Max-Age=86400; Path=/; SameSite=Lax'
 * parseCookies('theme=dark; lang=fr'); // { theme: 'dark', lang: 'fr' }
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-4.1 (Set-Cookie)
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-5.4 (Cookie)
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3 (cookie name prefixes)
 * @module
 */
import { decodeNative, isNativeString } from '@tsgi/core';
import { parse, serialize } from 'cookie';

/** The attributes of one `Set-Cookie`. */
export interface CookieOptions {
  /** Seconds until it expires; 0 or less deletes it. Takes precedence over `expires`. */
  maxAge?: number;
  /** When it expires; without it (and `maxAge`) it is a session cookie. */
  expires?: Date;
  /** Hosts it is sent to; without it, only the host that set it. */
  domain?: string;
  /** Paths it is sent for; without it, the directory of the request path. */
  path?: string;
  /** Sent over HTTPS only. Required by `sameSite: 'none'`, `partitioned` and the prefixes. */
  secure?: boolean;
  /** Hidden from `document.cookie`. */
  httpOnly?: boolean;
  /** Kept per top-level site (CHIPS). Requires `secure`. */
  partitioned?: boolean;
  /** Cross-site sending: `'strict'` (or `true`), `'lax'`, `'none'` (requires `secure`). */
  sameSite?: boolean | 'strict' | 'lax' | 'none';
  /** Chrome's eviction priority. */
  priority?: 'low' | 'medium' | 'high';
}

/** The cookies of a `Cookie` header: the first of a repeated name wins, as RFC 6265 section 5.4 orders them. */
export function parseCookies(header: string | undefined): Record<string, string> {
  if (!header) return Object.create(null) as Record<string, string>;
  // parse() gives an object without a prototype: a cookie named __proto__ is just a name.
  return parse(isNativeString(header) ? decodeNative(header) : header) as Record<string, string>;
}

/**
 * One `Set-Cookie` value. Throws a TypeError naming the problem for a name, value,
 * path or domain that cannot be sent as it is, and for attribute combinations
 * browsers refuse.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (typeof name !== 'string' || typeof value !== 'string') {
    throw new TypeError(`serializeCookie: name and value must be strings, got ${typeof name} and ${typeof value}`);
  }
  const secure = options.secure === true;
  const sameSite = typeof options.sameSite === 'string' ? options.sameSite.toLowerCase() : options.sameSite;
  if (sameSite === 'none' && !secure) {
    throw new TypeError(`cookie ${JSON.stringify(name)}: sameSite 'none' needs secure: true; browsers drop a SameSite=None cookie without Secure`);
  }
  if (options.partitioned && !secure) {
    throw new TypeError(`cookie ${JSON.stringify(name)}: partitioned needs secure: true; browsers drop a Partitioned cookie without Secure`);
  }
  if (/^__secure-/i.test(name) && !secure) {
    throw new TypeError(`cookie ${JSON.stringify(name)}: the __Secure- prefix needs secure: true`);
  }
  if (/^__host-/i.test(name) && (!secure || options.path !== '/' || options.domain !== undefined)) {
    throw new TypeError(`cookie ${JSON.stringify(name)}: the __Host- prefix needs secure: true, path: '/' and no domain`);
  }
  if (options.maxAge !== undefined && !Number.isFinite(options.maxAge)) {
    throw new TypeError(`cookie ${JSON.stringify(name)}: maxAge must be a finite number of seconds, got ${String(options.maxAge)}`);
  }
  try {
    // Max-Age is whole seconds (RFC 6265 section 5.2.2); cookie refuses a fraction.
    return serialize(name, value, { ...options, maxAge: options.maxAge === undefined ? undefined : Math.floor(options.maxAge) });
  } catch (error) {
    // cookie's messages say "argument name is invalid: x": name the cookie too.
    throw new TypeError(`cookie ${JSON.stringify(name)}: ${(error as Error).message}`, { cause: error });
  }
}

/** A `Set-Cookie` value that deletes `name` (the same `path` and `domain` it was set with). */
export function deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'sameSite' | 'partitioned'> = {}): string {
  return serializeCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) });
}
