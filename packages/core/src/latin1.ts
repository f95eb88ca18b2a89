/**
 * The byte <-> string conversions PEP 3333's "native strings" need, on web APIs
 * only (no Buffer), so that they run on every runtime: an environ value holds one
 * character per byte (latin-1), and a text that came in as UTF-8 is spelled as its
 * bytes.
 *
 * @example
 * utf8AsLatin1('é');            // '\xc3\xa9', as PATH_INFO spells /%C3%A9
 * latin1AsUtf8('\xc3\xa9');     // 'é'
 * @see https://peps.python.org/pep-3333/#unicode-issues
 * @module
 */

const ENCODER = new TextEncoder();
const ASCII = /^[\x00-\x7f]*$/;

/** The string with one char per byte of `bytes`. */
export function bytesAsLatin1(bytes: Uint8Array): string {
  let out = '';
  // Chunked: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** The bytes of a one-char-per-byte string; `undefined` if a char is above U+00FF. */
export function latin1Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    out[i] = code;
  }
  return out;
}

/** `text`'s UTF-8 bytes, one char per byte: how PATH_INFO and REMOTE_USER spell it. */
export function utf8AsLatin1(text: string): string {
  return ASCII.test(text) ? text : bytesAsLatin1(ENCODER.encode(text));
}

/**
 * Decodes a one-char-per-byte string as UTF-8 (`fatal`: invalid UTF-8 throws a
 * TypeError, so two byte strings never decode to the same text). A char above
 * U+00FF is not a byte at all and throws too.
 */
export function latin1AsUtf8(text: string): string {
  if (ASCII.test(text)) return text;
  const bytes = latin1Bytes(text);
  if (bytes === undefined) throw new TypeError(`latin1AsUtf8: ${JSON.stringify(text)} has a character above U+00FF, so it is not bytes`);
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}
