/**
 * AES-256-GCM through WebCrypto (`globalThis.crypto.subtle`: Node, Bun, Deno, Workers),
 * with key rotation: seal with the first key, open with any. Each secret (a string's
 * UTF-8 bytes, or bytes) must be at least 32 bytes, and is never used as the AES key
 * itself: the key is derived from it with HKDF-SHA256 under a fixed `info` naming this
 * use, so the same secret given to `csrf()` or a cookie signer yields unrelated keys.
 * Keys are derived on first use, never at factory time (Workers forbid crypto work at
 * module scope).
 *
 * Where the runtime has `node:crypto` (Node, Bun, Deno, Workers with `nodejs_compat`,
 * looked up at run time, never imported) the same AES-GCM and HKDF run synchronously
 * through it: WebCrypto's calls each take a trip through libuv's thread pool, which
 * costs a cookie session far more latency under load (docs/benchmarks.md, figures
 * behind choices in the code). Elsewhere WebCrypto does it. The bytes are
 * the same either way (keyring.test.ts seals with one and opens with the other).
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

import { nodeBuiltin } from '@tsgi/core';
import type * as NodeCrypto from 'node:crypto';

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

/** `a` then `b` (GCM's final() gives nothing after update() in practice, so no copy then). */
function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.byteLength === 0) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/** Which implementation seals: node:crypto where there is one, else WebCrypto. */
export type CipherEngine = 'node' | 'web';

export class Keyring {
  readonly #secrets: Uint8Array[];
  #keys: Promise<AesKey[]> | undefined = undefined;
  readonly #node: typeof NodeCrypto | undefined;
  #nodeKeys: Uint8Array[] | undefined = undefined;

  /** Checks the secrets now (a TypeError naming the bad one); derives nothing yet. `engine` is for tests. */
  constructor(secrets: readonly SecretKey[], where: string, engine?: CipherEngine) {
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
    this.#node = engine === 'web' ? undefined : nodeBuiltin<typeof NodeCrypto>('node:crypto');
    if (engine === 'node' && this.#node === undefined) throw new TypeError(`${where}: node:crypto is not available in this runtime`);
  }

  /** Which implementation this ring uses. */
  get engine(): CipherEngine {
    return this.#node === undefined ? 'web' : 'node';
  }

  #derivedNodeKeys(node: typeof NodeCrypto): Uint8Array[] {
    return (this.#nodeKeys ??= this.#secrets.map((secret) => new Uint8Array(node.hkdfSync('sha256', secret, new Uint8Array(0), INFO, 32))));
  }

  #box(iv: Uint8Array, sealed: Uint8Array, tag?: Uint8Array): Uint8Array {
    const box = new Uint8Array(1 + IV_BYTES + sealed.byteLength + (tag?.byteLength ?? 0));
    box[0] = VERSION;
    box.set(iv, 1);
    box.set(sealed, 1 + IV_BYTES);
    if (tag !== undefined) box.set(tag, 1 + IV_BYTES + sealed.byteLength);
    return box;
  }

  #nodeSeal(node: typeof NodeCrypto, plaintext: Uint8Array, context: string): Uint8Array {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const cipher = node.createCipheriv('aes-256-gcm', this.#derivedNodeKeys(node)[0]!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(context));
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    return this.#box(iv, join(head, tail), cipher.getAuthTag());
  }

  #nodeOpen(node: typeof NodeCrypto, box: Uint8Array, context: string): Uint8Array | undefined {
    const iv = box.subarray(1, 1 + IV_BYTES);
    const sealed = box.subarray(1 + IV_BYTES, box.byteLength - TAG_BYTES);
    const tag = box.subarray(box.byteLength - TAG_BYTES);
    const data = additionalData(context);
    for (const key of this.#derivedNodeKeys(node)) {
      try {
        const decipher = node.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(data);
        decipher.setAuthTag(tag);
        const head = decipher.update(sealed);
        const tail = decipher.final(); // throws when the tag does not verify
        return join(head, tail);
      } catch {
        // Not this key (or tampered). Try the next.
      }
    }
    return undefined;
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
    if (this.#node !== undefined) return this.#nodeSeal(this.#node, plaintext, context);
    const [key] = await this.#cryptoKeys();
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    // WebCrypto appends the tag to the ciphertext: the box's layout as it is.
    return this.#box(iv, new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(context), tagLength: 128 }, key!, plaintext)));
  }

  /** The plaintext of `box` sealed for `context` by any key of the ring, or undefined. */
  async open(box: Uint8Array, context: string): Promise<Uint8Array | undefined> {
    if (box.byteLength < SEAL_OVERHEAD || box[0] !== VERSION) return undefined;
    if (this.#node !== undefined) return this.#nodeOpen(this.#node, box, context);
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
