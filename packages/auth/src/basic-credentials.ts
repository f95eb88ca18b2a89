/**
 * Decoding RFC 7617 Basic credentials: strict base64, fatal UTF-8, a colon, no
 * control characters. Anything else is a reason to refuse (a 401), never an
 * exception (a 500).
 *
 * @example
 * parseBasic('Zm9vOnBhc3M6d29yZA=='); // { user: 'foo', password: 'pass:word', bytes }
 * parseBasic('!!!');                  // 'bad_base64'
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 * @module
 */
import { decodeBase64 } from './base64.js';
import type { AuthErrorReason } from './outcome.js';

export interface BasicCredentials {
  /** The user-id: everything before the first ':' (may be empty). */
  user: string;
  /** Everything after the first ':'; it may itself contain ':'. */
  password: string;
  /** The decoded `user:password` bytes, as sent. */
  bytes: Uint8Array;
}

// fatal: a malformed byte sequence throws instead of becoming U+FFFD, so two
// different byte strings never decode to the same user. ignoreBOM keeps the bytes exact.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// RFC 7617 section 2: neither user-id nor password may contain control characters.
const CONTROL = /\p{Cc}/u;
/** Up to this many ASCII bytes become text in one String.fromCharCode call (its arguments go on the stack). */
const SHORT = 1024;

/** ASCII bytes as text without a call into the runtime's decoder; undefined when a byte is not ASCII. */
function asciiText(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength > SHORT) return undefined;
  for (let i = 0; i < bytes.byteLength; i++) if (bytes[i]! > 0x7f) return undefined;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The user and password in `token68` (the part after `Basic `), or why they are unusable. */
export function parseBasic(token68: string): BasicCredentials | AuthErrorReason {
  // Strict and canonical: non-zero padding bits are another spelling of the same bytes.
  const bytes = decodeBase64(token68);
  if (bytes === undefined) return 'bad_base64';
  // Nearly every user-id and password is ASCII, which is its own UTF-8.
  let text = asciiText(bytes);
  if (text === undefined) {
    try {
      text = UTF8.decode(bytes);
    } catch {
      return 'bad_utf8';
    }
  }
  const colon = text.indexOf(':');
  if (colon < 0) return 'missing_colon';
  if (CONTROL.test(text)) return 'control_characters';
  return { user: text.slice(0, colon), password: text.slice(colon + 1), bytes };
}
