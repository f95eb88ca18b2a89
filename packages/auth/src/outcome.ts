/**
 * What both auth middlewares do once they have decided: `grant` sets the CGI
 * identity keys for the app below; `refuse` clears them and answers with a small
 * text response (or the user's `onUnauthorized` app), built by the shared
 * `unauthorized` / `badRequest` helpers rather than by throwing, as Rack does.
 *
 * @example
 * return unauthorized(startResponse, 'Basic realm="x"', 'missing_credentials');
 * @see https://www.rfc-editor.org/rfc/rfc3875#section-4.1.1 (AUTH_TYPE)
 * @see https://www.rfc-editor.org/rfc/rfc3875#section-4.1.11 (REMOTE_USER)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2 (401 and WWW-Authenticate)
 * @module
 */
import {
  encodeNative,
  HttpError,
  hasHeader,
  statusCode,
  statusLine,
  type Application,
  type Body,
  type Environ,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';

/** Why a request was refused; the value of `environ['tsgi.auth_error']`. */
export type AuthErrorReason =
  | 'missing_credentials'
  | 'unsupported_scheme'
  | 'bad_base64'
  | 'missing_colon'
  | 'bad_utf8'
  | 'control_characters'
  | 'invalid_credentials'
  | 'malformed_token'
  | 'multiple_tokens'
  | 'invalid_token';

const MESSAGES: Record<AuthErrorReason, string> = {
  missing_credentials: 'Authentication required.',
  unsupported_scheme: 'Authentication required: the Authorization header uses another scheme.',
  bad_base64: 'Invalid credentials: not canonical base64.',
  missing_colon: 'Invalid credentials: no ":" between user and password.',
  bad_utf8: 'Invalid credentials: not valid UTF-8.',
  control_characters: 'Invalid credentials: control characters are not allowed.',
  invalid_credentials: 'Invalid credentials.',
  malformed_token: 'Malformed Authorization header: expected "Bearer <b64token>".',
  multiple_tokens: 'Bad request: the access token was sent more than once.',
  invalid_token: 'Invalid or expired access token.',
};

// Encoded once: a refusal costs one small array and no encoding per request.
const encoder = new TextEncoder();
const BODIES = Object.fromEntries(
  Object.entries(MESSAGES).map(([reason, text]) => [reason, encoder.encode(text + '\n')]),
) as Record<AuthErrorReason, Uint8Array>;

const UNAUTHORIZED = statusLine(401);
const BAD_REQUEST = statusLine(400);

/** The status a refusal gets: RFC 6750 section 3.1 makes a malformed request a 400. */
export function refusalStatus(reason: AuthErrorReason): 400 | 401 {
  return reason === 'malformed_token' || reason === 'multiple_tokens' ? 400 : 401;
}

function respond(startResponse: StartResponse, status: string, challenge: string, reason: AuthErrorReason): Body {
  const body = BODIES[reason];
  startResponse(status, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.byteLength)],
    ['WWW-Authenticate', challenge],
  ]);
  return [body];
}

/** A `401 Unauthorized` with `challenge` and a one-line text body saying why. */
export function unauthorized(startResponse: StartResponse, challenge: string, reason: AuthErrorReason): Body {
  return respond(startResponse, UNAUTHORIZED, challenge, reason);
}

/** A `400 Bad Request` that still names the scheme (RFC 6750 sends a challenge with it). */
export function badRequest(startResponse: StartResponse, challenge: string, reason: AuthErrorReason): Body {
  return respond(startResponse, BAD_REQUEST, challenge, reason);
}

/**
/**
 * The `onUnauthorized` app behind `throwHttpErrors: true`: it throws the refusal as
 * core's `HttpError` (400 or 401, the one-line message, `WWW-Authenticate`) for
 * `httpErrors()` from @tsgi/errors to render like every other error.
 */
export function throwRefusal(challengeFor: (reason: AuthErrorReason) => string): Application {
  return function throwRefusal(environ: Environ): never {
    const reason = environ['tsgi.auth_error'] as AuthErrorReason;
    throw new HttpError(refusalStatus(reason), MESSAGES[reason], { headers: [['WWW-Authenticate', challengeFor(reason)]] });
  };
}

/**
 * Sets `AUTH_TYPE`, `REMOTE_USER` and `tsgi.auth`, overwriting anything already there.
 * `REMOTE_USER` is a PEP 3333 native string like every CGI value: the user-id's UTF-8
 * bytes, one char each (`decodeNative` reads it back); `tsgi.auth` keeps the text.
 */
export function grant(environ: Environ, authType: 'Basic' | 'Bearer', user: string, result: unknown): void {
  environ.AUTH_TYPE = authType;
  environ.REMOTE_USER = encodeNative(user);
  environ['tsgi.auth'] = result;
  if (environ['tsgi.auth_error'] !== undefined) delete environ['tsgi.auth_error'];
}

/**
 * Clears any identity an outer layer or the client left in `environ`, records the
 * reason, and answers: with `onUnauthorized` when given (its 401s still get the
 * challenge), otherwise with `unauthorized` or `badRequest`.
 */
export function refuse(
  environ: Environ,
  startResponse: StartResponse,
  challenge: string,
  reason: AuthErrorReason,
  onUnauthorized: Application | undefined,
): Body | Promise<Body> {
  // Only delete what is there: deleting absent keys still costs V8 a shape change.
  if (environ.REMOTE_USER !== undefined) delete environ.REMOTE_USER;
  if (environ.AUTH_TYPE !== undefined) delete environ.AUTH_TYPE;
  if (environ['tsgi.auth'] !== undefined) delete environ['tsgi.auth'];
  environ['tsgi.auth_error'] = reason;
  if (onUnauthorized) return onUnauthorized(environ, addChallenge(startResponse, challenge));
  return refusalStatus(reason) === 400
    ? badRequest(startResponse, challenge, reason)
    : unauthorized(startResponse, challenge, reason);
}

/** RFC 9110 section 15.5.2: a 401 MUST carry WWW-Authenticate, whoever builds it. */
function addChallenge(startResponse: StartResponse, challenge: string): StartResponse {
  return function startResponseWithChallenge(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    if (typeof status === 'string' && statusCode(status) === 401 && Array.isArray(headers) && !hasHeader(headers, 'www-authenticate')) {
      headers = [...headers, ['WWW-Authenticate', challenge]];
    }
    return excInfo === undefined ? startResponse(status, headers) : startResponse(status, headers, excInfo);
  };
}

