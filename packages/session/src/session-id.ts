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

/** base64url without padding (RFC 4648 section 5); a loop, not a spread: no argument limit. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The bytes of base64url `text`, or undefined when it is not the one canonical
 * spelling of some bytes: the spare bits of a last character must be zero, so no two
 * cookie values decode to the same bytes (a changed character is always a changed cookie).
 */
export function fromBase64url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return base64url(bytes) === text ? bytes : undefined;
}

/** A new random session id. */
export function newSessionId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)));
}

/** Whether `value` has the shape of an id {@link newSessionId} makes. */
export function isSessionId(value: string): boolean {
  return ID_SHAPE.test(value);
}
