/**
 * Session ids and the base64url both they and sealed cookies are written in. An id is
 * 24 bytes (192 bits) from `crypto.getRandomValues`, 32 base64url characters: far past
 * OWASP's 64 bits of entropy, so guessing a live id is hopeless, and a multiple of 3
 * bytes, so every id has one spelling and {@link isSessionId} can check the shape
 * before a store is asked (a cookie that is no id of ours costs no round trip).
 *
 * @example
 * const id = newSessionId(); // 'q3J0...' (32 characters)
 * isSessionId(id); // true
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-id-entropy
 * @module
 */

const ID_BYTES = 24;
const ID_SHAPE = /^[A-Za-z0-9_-]{32}$/;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url without padding (RFC 4648 section 5), by table: Node's `btoa` is a slow
 * legacy path (docs/benchmarks.md, figures behind choices in the code), and this runs
 * once per session id.
 */
export function base64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The bytes of base64url `text`, or undefined when it is not the one canonical
 * spelling of some bytes: the spare bits of a last character must be zero, so no two
 * cookie values decode to the same bytes (a changed character is always a changed cookie).
 */
export function fromBase64url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    held = (held << 6) | ALPHABET.indexOf(text[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (held >> bits) & 255;
    }
  }
  // Spare bits of the last character must be zero: one spelling per byte string.
  return (held & ((1 << bits) - 1)) === 0 ? bytes : undefined;
}

/**
 * Random bytes for 64 ids, drawn in one call when the last ran out (lazily: never at
 * import). One `getRandomValues` call costs about as much as 64 small ones
 * (docs/benchmarks.md, figures behind choices in the code), as Node's own `randomUUID` batches; each byte is handed out once.
 */
const POOL_IDS = 64;
let pool: Uint8Array | undefined;
let poolAt = POOL_IDS * ID_BYTES;

/** A new random session id. */
export function newSessionId(): string {
  if (poolAt === POOL_IDS * ID_BYTES) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_IDS * ID_BYTES));
    poolAt = 0;
  }
  const id = base64url(pool!.subarray(poolAt, poolAt + ID_BYTES));
  // Spent bytes are wiped: a later read of the pool (a heap dump) finds no id in it.
  pool!.fill(0, poolAt, poolAt + ID_BYTES);
  poolAt += ID_BYTES;
  return id;
}

/** Whether `value` has the shape of an id {@link newSessionId} makes. */
export function isSessionId(value: string): boolean {
  return ID_SHAPE.test(value);
}
