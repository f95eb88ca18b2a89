/**
 * `WWW-Authenticate` challenges: quoting auth-param values and building the
 * `Basic` and `Bearer` challenge strings once, at factory time.
 *
 * @example
 * basicChallenge('Admin "zone"'); // 'Basic realm="Admin \"zone\"", charset="UTF-8"'
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1 (WWW-Authenticate)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4 (quoted-string)
 * @module
 */
import { isValidHeaderValue } from '@tsgi/core';

/**
 * `value` as an RFC 9110 quoted-string: backslash and double quote escaped. Throws a
 * TypeError naming `option` for anything a header value cannot carry (CR, LF, other
 * controls, non-latin-1), because such a realm would split or corrupt the header.
 */
export function quoteParam(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new TypeError(`${option} must be a string, got ${typeof value}`);
  if (/[\r\n]/.test(value)) throw new TypeError(`${option} must not contain CR or LF: ${JSON.stringify(value)}`);
  if (!isValidHeaderValue(value)) {
    throw new TypeError(`${option} must be latin-1 text without control characters: ${JSON.stringify(value)}`);
  }
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** RFC 7617 section 2.1: the charset parameter tells the client to send UTF-8. */
export function basicChallenge(realm: string, option = 'basicAuth: realm'): string {
  return `Basic realm=${quoteParam(realm, option)}, charset="UTF-8"`;
}

/** RFC 6750 error codes that appear in a Bearer challenge. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * The Bearer challenges for one realm. RFC 6750 section 3.1: a request with no
 * authentication information gets no error code; the others name theirs.
 */
export interface BearerChallenges {
  missing: string;
  invalid_request: string;
  invalid_token: string;
}

export function bearerChallenges(realm: string, option = 'bearerAuth: realm'): BearerChallenges {
  const base = `Bearer realm=${quoteParam(realm, option)}`;
  return {
    missing: base,
    invalid_request: `${base}, error="invalid_request"`,
    invalid_token: `${base}, error="invalid_token"`,
  };
}
