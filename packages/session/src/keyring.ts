/**
 * AES-256-GCM through WebCrypto (`globalThis.crypto.subtle`: Node, Bun, Deno, Workers),
 * with key rotation: seal with the first key, open with any. Each secret (a string's
 * UTF-8 bytes, or bytes) must be at least 32 bytes, and is never used as the AES key
 * itself: the key is derived from it with HKDF-SHA256 under a fixed `info` naming this
 * use, so the same secret given to `csrf()` or a cookie signer yields unrelated keys.
 * Keys are derived on first use, never at factory time (Workers forbid crypto work at
 * module scope).
 *
 * A sealed box is `version (1 byte) | IV (12 random bytes) | ciphertext | tag (16 bytes)`;
 * the version byte and the caller's `context` (the cookie's name) are authenticated as
 * additional data, so a box opens only where it was sealed for. A random 96-bit IV per
 * seal keeps GCM safe for about 2^32 seals per key (NIST SP 800-38D section 8.3): rotate
 * keys well before that.
 *
 * @example
 * const ring = new Keyring([process.env.SESSION_SECRET!], 'cookieStore');
 * const box = await ring.seal(bytes, 'sid');
 * await ring.open(box, 'sid'); // bytes, or undefined when tampered or sealed by no key of the ring
 * @see https://www.rfc-editor.org/rfc/rfc5869 (HKDF)
 * @see https://www.w3.org/TR/WebCryptoAPI/#aes-gcm
 * @module
 */

export type SecretKey = string | Uint8Array;

/** Shortest secret accepted: the AES-256 key length, as random bytes should give. */
export const MIN_SECRET_BYTES = 32;
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes a box adds to its plaintext. */
export const SEAL_OVERHEAD = 1 + IV_BYTES + TAG_BYTES;

const encoder = new TextEncoder();
const INFO = encoder.encode('tsgi-session cookie AES-256-GCM v1');

// WebCrypto's key type, named without the DOM lib or a node: import.
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

function additionalData(context: string): Uint8Array {
  return encoder.encode(`tsgi-session:${VERSION}:${context}`);
}

export class Keyring {
  readonly #secrets: Uint8Array[];
  #keys: Promise<AesKey[]> | undefined = undefined;

  /** Checks the secrets now (a TypeError naming the bad one); derives nothing yet. */
  constructor(secrets: readonly SecretKey[], where: string) {
    if (typeof globalThis.crypto?.subtle?.encrypt !== 'function') {
      throw new TypeError(`${where}: WebCrypto (globalThis.crypto.subtle) is not available in this runtime; sessions are never sealed without it`);
    }
    if (!Array.isArray(secrets) || secrets.length === 0) {
      throw new TypeError(`${where}: keys must be a non-empty list of secrets, newest first, e.g. [process.env.SESSION_SECRET] (32+ random bytes: \`openssl rand -base64 32\`)`);
    }
    this.#secrets = secrets.map((secret: unknown, i) => {
      const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret instanceof Uint8Array ? secret.slice() : undefined;
      if (bytes === undefined) throw new TypeError(`${where}: keys[${i}] must be a string or a Uint8Array, got ${secret === null ? 'null' : typeof secret}`);
      if (bytes.byteLength < MIN_SECRET_BYTES) {
        throw new TypeError(
          `${where}: keys[${i}] is ${bytes.byteLength} bytes; a secret must be at least ${MIN_SECRET_BYTES} bytes of randomness (e.g. \`openssl rand -base64 32\`, 44 characters)`,
        );
      }
      return bytes;
    });
  }

  #cryptoKeys(): Promise<AesKey[]> {
    return (this.#keys ??= Promise.all(
      this.#secrets.map(async (secret) => {
        const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
        return crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: INFO },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        );
      }),
    ));
  }

  /** `plaintext` encrypted and authenticated under the first key, for `context`. */
  async seal(plaintext: Uint8Array, context: string): Promise<Uint8Array> {
    const [key] = await this.#cryptoKeys();
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(context), tagLength: 128 }, key!, plaintext));
    const box = new Uint8Array(1 + IV_BYTES + sealed.byteLength);
    box[0] = VERSION;
    box.set(iv, 1);
    box.set(sealed, 1 + IV_BYTES);
    return box;
  }

  /** The plaintext of `box` sealed for `context` by any key of the ring, or undefined. */
  async open(box: Uint8Array, context: string): Promise<Uint8Array | undefined> {
    if (box.byteLength < SEAL_OVERHEAD || box[0] !== VERSION) return undefined;
    const iv = box.subarray(1, 1 + IV_BYTES);
    const sealed = box.subarray(1 + IV_BYTES);
    const data = additionalData(context);
    for (const key of await this.#cryptoKeys()) {
      try {
        return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: data, tagLength: 128 }, key, sealed));
      } catch {
        // Not this key (or tampered): the tag did not verify. Try the next.
      }
    }
    return undefined;
  }
}
