/**
 * The tokens of `csrf()`'s token mode, a signed double-submit cookie: a token is 18
 * random bytes and their HMAC-SHA256 under the first key, both base64url, joined by a
 * dot. The cookie holds it; a request without Sec-Fetch-Site and Origin must send the
 * same token again (header or form field), which a cross-site page cannot read.
 * Tokens signed by any key of the list verify, so keys rotate by putting the new one
 * first. All of it is WebCrypto: keys are imported on first use, never at factory time.
 *
 * @example
 * const tokens = new TokenSigner([secret], 'csrf');
 * const token = await tokens.mint();
 * await tokens.verify(token); // true
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended
 * @module
 */

const encoder = new TextEncoder();
const CONTEXT = encoder.encode('tsgi-csrf:');
/** 18 random bytes (24 base64url chars), then a dot, then 32 MAC bytes (43 chars). */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/;
const MIN_KEY_BYTES = 32;

export type TokenKey = string | Uint8Array;

/** WebCrypto's key type, named without the DOM lib or a `node:` import. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** What is signed: a fixed context, so these MACs mean nothing to another use of the key. */
function signed(nonce: string): Uint8Array {
  const text = encoder.encode(nonce);
  const out = new Uint8Array(CONTEXT.length + text.length);
  out.set(CONTEXT);
  out.set(text, CONTEXT.length);
  return out;
}

export class TokenSigner {
  readonly #raw: Uint8Array[];
  #keys: Promise<HmacKey[]> | undefined;

  constructor(keys: readonly TokenKey[], where: string) {
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new TypeError(`${where}: token.keys must be a non-empty list of secrets (newest first), e.g. [process.env.CSRF_SECRET]`);
    }
    this.#raw = keys.map((key: unknown, i) => {
      const bytes = typeof key === 'string' ? encoder.encode(key) : key instanceof Uint8Array ? key : undefined;
      if (bytes === undefined || bytes.byteLength < MIN_KEY_BYTES) {
        throw new TypeError(
          `${where}: token.keys[${i}] must be a string or Uint8Array of at least ${MIN_KEY_BYTES} bytes (e.g. 32 random bytes, base64), got ${bytes === undefined ? typeof key : `${bytes.byteLength} bytes`}`,
        );
      }
      return bytes.slice();
    });
  }

  /** The imported keys; imported once, on first use. */
  #cryptoKeys(): Promise<HmacKey[]> {
    return (this.#keys ??= Promise.all(
      this.#raw.map((raw) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])),
    ));
  }

  /** A new token signed with the first key. */
  async mint(): Promise<string> {
    const nonce = base64url(crypto.getRandomValues(new Uint8Array(18)));
    const [key] = await this.#cryptoKeys();
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key!, signed(nonce)));
    return `${nonce}.${base64url(mac)}`;
  }

  /** Whether `token` was signed by one of the keys (WebCrypto's verify compares in constant time). */
  async verify(token: string): Promise<boolean> {
    const parts = TOKEN_SHAPE.exec(token);
    if (parts === null) return false;
    const mac = fromBase64url(parts[2]!);
    const data = signed(parts[1]!);
    for (const key of await this.#cryptoKeys()) {
      if (await crypto.subtle.verify('HMAC', key, mac, data)) return true;
    }
    return false;
  }
}

/** Whether two strings are equal, in time that depends on their length only. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
