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
import { nativeBytes } from '@tsgi/core';
import type { AuthErrorReason } from './outcome.js';

export interface BasicCredentials {
  /** The user-id: everything before the first ':' (may be empty). */
  user: string;
  /** Everything after the first ':'; it may itself contain ':'. */
  password: string;
  /** The decoded `user:password` bytes, as sent. */
  bytes: Uint8Array;
}

// The base64 alphabet of RFC 4648 section 4, padded; atob would skip whitespace silently.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// fatal: a malformed byte sequence throws instead of becoming U+FFFD, so two
// different byte strings never decode to the same user. ignoreBOM keeps the bytes exact.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// RFC 7617 section 2: neither user-id nor password may contain control characters.
const CONTROL = /\p{Cc}/u;

/** The user and password in `token68` (the part after `Basic `), or why they are unusable. */
export function parseBasic(token68: string): BasicCredentials | AuthErrorReason {
  if (token68.length % 4 !== 0 || !BASE64.test(token68)) return 'bad_base64';
  // atob/btoa, not Buffer: they are on every runtime (Workers without nodejs_compat too).
  const binary = atob(token68);
  // Only the canonical encoding is accepted: non-zero padding bits are another spelling.
  if (btoa(binary) !== token68) return 'bad_base64';
  const bytes = nativeBytes(binary);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return 'bad_utf8';
  }
  const colon = text.indexOf(':');
  if (colon < 0) return 'missing_colon';
  if (CONTROL.test(text)) return 'control_characters';
  return { user: text.slice(0, colon), password: text.slice(colon + 1), bytes };
}
