/**
 * Signed cookies: a value the client can read but not change. `sign` appends an
 * HMAC-SHA256 of `name=value` (base64url, 43 characters) to the value; `verify` gives
 * the value back when the signature is one of the keys', `undefined` otherwise.
 * Signing the name too means a signed value cannot be moved to another cookie.
 *
 * Key rotation: sign with the first key, verify with any, so a new key goes first and
 * the old one stays in the list until the cookies it signed have expired. Keys are
 * imported into WebCrypto on first use, never at module or factory scope (Cloudflare
 * Workers forbid crypto work there), and the signature is compared in constant time.
 * WebCrypto only: it runs on Node, Bun, Deno and Workers alike.
 *
 * A signature is not encryption: the value is readable. Keep secrets out of it.
 *
 * @example
 * const signer = cookieSigner({ keys: [process.env.COOKIE_KEY!] });
 * const set = serializeCookie('uid', await signer.sign('uid', '42'), { httpOnly: true });
 * const uid = await signer.verify('uid', request(environ).cookies.uid); // '42' or undefined
 *
 * @see https://www.rfc-editor.org/rfc/rfc2104 (HMAC)
 * @see https://www.w3.org/TR/WebCryptoAPI/#hmac
 * @module
 */

export interface CookieSignerOptions {
  /**
   * HMAC keys, newest first: strings (their UTF-8 bytes) or bytes, each at least 32
   * bytes long (e.g. `openssl rand -base64 32`). Required.
   */
  keys: ReadonlyArray<string | Uint8Array>;
}

export interface CookieSigner {
  /** `value` with its signature appended, to store in cookie `name`. */
  sign(name: string, value: string): Promise<string>;
  /** The value of a signed cookie `name`, or `undefined` when absent, unsigned or signed with no key of the list. */
  verify(name: string, signed: string | undefined): Promise<string | undefined>;
}

/** Characters of an HMAC-SHA256 in base64url without padding. */
const MAC_CHARS = 43;
/** Shortest key accepted: the HMAC-SHA256 output length (RFC 2104 section 3). */
const MIN_KEY_BYTES = 32;

// WebCrypto's key type, named without the DOM lib or a node: import.
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Equal-length byte arrays compared without an early exit: the time taken says nothing of where they differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A signer over `keys`; see the module comment. */
export function cookieSigner(options: CookieSignerOptions): CookieSigner {
  const keys = options?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError('cookieSigner: keys must be a non-empty list of strings or Uint8Arrays (the newest first)');
  }
  const raw = keys.map((key: unknown, i) => {
    const bytes = typeof key === 'string' ? encoder.encode(key) : key instanceof Uint8Array ? key.slice() : undefined;
    if (bytes === undefined) throw new TypeError(`cookieSigner: keys[${i}] must be a string or a Uint8Array, got ${typeof key}`);
    if (bytes.byteLength < MIN_KEY_BYTES) {
      throw new TypeError(`cookieSigner: keys[${i}] is ${bytes.byteLength} bytes; use at least ${MIN_KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`);
    }
    return bytes;
  });
  let imported: Promise<HmacKey[]> | undefined;
  const cryptoKeys = (): Promise<HmacKey[]> =>
    (imported ??= Promise.all(raw.map((key) => crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']))));
  const mac = async (key: HmacKey, name: string, value: string): Promise<Uint8Array> =>
    new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${name}=${value}`)));

  return {
    async sign(name, value) {
      if (typeof name !== 'string' || typeof value !== 'string') {
        throw new TypeError(`cookieSigner.sign: name and value must be strings, got ${typeof name} and ${typeof value}`);
      }
      const [first] = await cryptoKeys();
      return `${value}.${base64url(await mac(first!, name, value))}`;
    },
    async verify(name, signed) {
      if (typeof signed !== 'string') return undefined;
      const dot = signed.lastIndexOf('.');
      if (dot === -1) return undefined;
      // Compared as text: one spelling per signature (base64url's last character has
      // spare bits that atob() would ignore, giving four spellings of each).
      const given = encoder.encode(signed.slice(dot + 1));
      if (given.byteLength !== MAC_CHARS) return undefined;
      const value = signed.slice(0, dot);
      for (const key of await cryptoKeys()) {
        if (timingSafeEqual(encoder.encode(base64url(await mac(key, name, value))), given)) return value;
      }
      return undefined;
    },
  };
}
