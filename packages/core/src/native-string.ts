/**
 * PEP 3333's "native strings": environ values (PATH_INFO, SCRIPT_NAME, QUERY_STRING,
 * HTTP_*, REMOTE_USER) hold bytes, one character per byte (latin-1), because the
 * gateway cannot know which encoding the client meant. An app that knows (URLs and
 * user-ids are UTF-8 nearly everywhere) decodes them when it reads them, and a
 * middleware that sets one from text encodes it first. Web APIs only (no Buffer), so
 * these run on every runtime.
 *
 * @example
 * // GET /caf%C3%A9: PATH_INFO is '/cafÃ©' (the two bytes of é, one char each)
 * decodeNative(environ.PATH_INFO); // '/café'
 * environ.REMOTE_USER = encodeNative('李'); // '\xe6\x9d\x8e'
 *
 * @see https://peps.python.org/pep-3333/#unicode-issues
 * @see https://peps.python.org/pep-3333/#a-note-on-string-types
 * @module
 */

const ASCII = /^[\x00-\x7f]*$/;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The native string of `bytes`: one char per byte. */
export function bytesAsNative(bytes: Uint8Array): string {
  let out = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** The bytes a native string stands for. Throws on a char above U+00FF: that string is not native. */
export function nativeBytes(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) {
      throw new TypeError(`not a native (latin-1) string: ${JSON.stringify(value)} has U+${code.toString(16).toUpperCase().padStart(4, '0')} at ${i}; use encodeNative(text) to store text in the environ`);
    }
    bytes[i] = code;
  }
  return bytes;
}

export interface DecodeNativeOptions {
  /**
   * Throw a TypeError on bytes that are not UTF-8 (so two byte strings never decode to
   * the same text, as a router wants) instead of showing them as U+FFFD.
   * @default false
   */
  fatal?: boolean;
}

/**
 * A native environ string read as UTF-8 text: `'/cafÃ©'` -> `'/café'`. Bytes that are
 * not UTF-8 become U+FFFD, as a browser shows them, unless `fatal` is set.
 */
export function decodeNative(value: string, options?: DecodeNativeOptions): string {
  if (ASCII.test(value)) return value; // the same either way, no copy
  return (options?.fatal ? strictUtf8Decoder : utf8Decoder).decode(nativeBytes(value));
}

/** Text as a native environ string: its UTF-8 bytes, one char each. `'李'` -> `'\xe6\x9d\x8e'`. */
export function encodeNative(text: string): string {
  return ASCII.test(text) ? text : bytesAsNative(utf8Encoder.encode(text));
}

/** True when every char is at most U+00FF, so the string can stand for bytes. */
export function isNativeString(value: string): boolean {
  return !/[^\x00-\xff]/.test(value);
}
