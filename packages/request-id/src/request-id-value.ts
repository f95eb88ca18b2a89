/**
 * Request id values: which incoming ids are safe to reuse (echo in a header, write in
 * a log line or JSON unescaped: RFC 9110 token characters, at most
 * {@link MAX_REQUEST_ID_LENGTH}), and a cheap generator. `requestId()` makes ids with
 * `crypto.randomUUID()` by default (unguessable, and saying nothing about how many
 * requests a process served); {@link requestIdGenerator} is a random per-process
 * prefix and a counter, unique across processes for practical purposes and a
 * fraction of a UUID's cost, which `accessLog()` uses when no `requestId()` ran.
 *
 * @example
 * const next = requestIdGenerator();
 * next(); // 'k3x9q2m7fa0b-1'
 * isValidRequestId('abc-123'); // true
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2 (token)
 * @module
 */
/** The longest incoming id that is reused; a longer one is replaced. */
export const MAX_REQUEST_ID_LENGTH = 200;

// RFC 9110 tchar: nothing that needs escaping in a header, a log line or JSON.
const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[ch.charCodeAt(0)] = 1;
}

/** True for a non-empty token of at most `maxLength` characters. */
export function isValidRequestId(value: unknown, maxLength = MAX_REQUEST_ID_LENGTH): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || TCHAR[code] !== 1) return false;
  }
  return true;
}

/** A generator of ids `<random prefix>-<counter in base 36>`; each call to this gets a new prefix. */
export function requestIdGenerator(): () => string {
  // 9 random bytes, 12 base64url characters, drawn once: no entropy per request. Drawn
  // on the first id, not here: Workers forbid random bytes at module scope.
  let prefix: string | undefined;
  let counter = 0;
  return function nextRequestId(): string {
    prefix ??= randomPrefix();
    return prefix + (++counter).toString(36);
  };
}

/** 12 base64url characters from WebCrypto, on every runtime. */
function randomPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_') + '-';
}
