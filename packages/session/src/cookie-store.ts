/**
 * `cookieStore({ keys })`: the whole session in the cookie, as JSON encrypted and
 * authenticated with AES-256-GCM (keyring.ts: node:crypto or WebCrypto), so nothing
 * is kept on the server and every worker and machine reads the same sessions with no
 * shared store. The client
 * can neither read nor change it: a cookie that was changed, cut short, sealed for
 * another cookie name or by a key no longer listed opens to nothing, and the request
 * starts a fresh session (never an error to the client). Its end (`expires`) is sealed
 * in with it, so a browser that keeps the cookie past its Max-Age gains nothing.
 *
 * There is no plain-text mode and no fallback to one: a missing or short key is a
 * TypeError when the store is made (rack-session's fallback to an unencrypted coder
 * was CVE-2026-39324). Keep in mind what a cookie store cannot do: `destroy()` clears
 * the cookie, but a copy taken before stays valid until its `expires`; prefer a
 * server-side store (or a short `maxAge`) when logouts must be final.
 *
 * Browsers keep at most 4096 bytes of a cookie's name and value (RFC 6265 section 6.1
 * sets that as the least they must keep): a session that seals to more is a RangeError
 * naming the size, never a cookie the browser silently drops.
 *
 * @example
 * const app = session({ store: cookieStore({ keys: [process.env.SESSION_SECRET!, process.env.OLD_SESSION_SECRET!] }) })(routes);
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-6.1 (limits)
 * @module
 */
import { Keyring, type SecretKey } from './keyring.js';
import { base64url, fromBase64url, isSessionId } from './session-id.js';
import { isStoredSession, type CookieStore, type SealedSession } from './store.js';

export interface CookieStoreOptions {
  /**
   * Secrets, newest first: sessions are sealed with the first and opened with any, so
   * rotate by putting a new secret first and dropping the old one once its cookies have
   * expired. Each a string (its UTF-8 bytes) or a Uint8Array of at least 32 bytes; the
   * AES key is derived from it with HKDF-SHA256. Required.
   */
  keys: readonly SecretKey[];
}

/** Bytes of name and value a browser keeps for one cookie. */
export const COOKIE_LIMIT = 4096;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function isSealedSession(value: unknown): value is SealedSession {
  if (!isStoredSession(value)) return false;
  const v = value as Partial<SealedSession>;
  return typeof v.id === 'string' && isSessionId(v.id) && typeof v.expires === 'number';
}

export function cookieStore(options: CookieStoreOptions): CookieStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cookieStore: options must be an object such as { keys: [process.env.SESSION_SECRET] }');
  }
  const ring = new Keyring(options.keys, 'cookieStore');

  return {
    kind: 'cookie',

    async seal(name, session) {
      const value = base64url(await ring.seal(encoder.encode(JSON.stringify(session)), name));
      const size = name.length + 1 + value.length;
      if (size > COOKIE_LIMIT) {
        throw new RangeError(
          `cookieStore: the session cookie ${JSON.stringify(name)} would be ${size} bytes, over the ${COOKIE_LIMIT} bytes browsers keep ` +
            `(the session's JSON is ${JSON.stringify(session).length} bytes before encryption); keep less in the session (an id, not the record) ` +
            'or use a server-side store (memoryStore(), a Redis store)',
        );
      }
      return value;
    },

    async open(name, value) {
      const box = fromBase64url(value);
      if (box === undefined) return undefined;
      const plaintext = await ring.open(box, name);
      if (plaintext === undefined) return undefined;
      let session: unknown;
      try {
        session = JSON.parse(decoder.decode(plaintext));
      } catch {
        return undefined;
      }
      return isSealedSession(session) ? session : undefined;
    },
  };
}
