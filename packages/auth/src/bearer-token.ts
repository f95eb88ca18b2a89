/**
 * Finding the RFC 6750 access token in a request: the `Authorization: Bearer`
 * header, and the `access_token` query parameter only when the caller allows it.
 * Returns the token, or why there is no usable one.
 *
 * @example
 * findBearerToken('Bearer mF_9.B5f-4.1JqM', '', false); // 'mF_9.B5f-4.1JqM'
 * findBearerToken('Bearer a b', '', false);             // { reason: 'malformed_token' }
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 (header; b64token)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.3 (URI query parameter)
 * @module
 */
import { credentialsFor } from './authorization.js';
import type { AuthErrorReason } from './outcome.js';

/** RFC 6750 section 2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Why no token could be used. An object, because any string could be a token. */
export interface NoToken {
  readonly reason: AuthErrorReason;
}

// Shared and frozen: a refusal allocates nothing here.
const MISSING: NoToken = Object.freeze({ reason: 'missing_credentials' });
const OTHER_SCHEME: NoToken = Object.freeze({ reason: 'unsupported_scheme' });
const MALFORMED: NoToken = Object.freeze({ reason: 'malformed_token' });
const TWICE: NoToken = Object.freeze({ reason: 'multiple_tokens' });

export function isB64Token(value: string): boolean {
  return B64TOKEN.test(value);
}

/**
 * The bearer token in `authorization` (the header value, if any) or, when
 * `allowQuery`, in `queryString`. RFC 6750 section 3.1 makes a token sent two ways
 * (or twice) and a malformed one an `invalid_request`.
 */
export function findBearerToken(
  authorization: string | undefined,
  queryString: string | undefined,
  allowQuery: boolean,
): string | NoToken {
  let fromHeader: string | null = null;
  if (authorization !== undefined) {
    fromHeader = credentialsFor(authorization, 'Bearer');
    if (fromHeader !== null && !B64TOKEN.test(fromHeader)) return MALFORMED;
  }
  // The cheap substring test keeps URLSearchParams off the path of most requests.
  if (allowQuery && queryString && queryString.includes('access_token=')) {
    const values = new URLSearchParams(queryString).getAll('access_token');
    if (values.length > 0) {
      if (values.length > 1 || fromHeader !== null) return TWICE;
      return B64TOKEN.test(values[0]!) ? values[0]! : MALFORMED;
    }
  }
  if (fromHeader !== null) return fromHeader;
  return authorization === undefined || authorization.trim() === '' ? MISSING : OTHER_SCHEME;
}
