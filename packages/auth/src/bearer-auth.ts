/**
 * OAuth 2.0 Bearer token authentication (RFC 6750) for a resource server: the
 * token from `Authorization: Bearer <token>` (or, when allowed, the `access_token`
 * query parameter) goes to `verify`; a truthy answer lets the request reach the app
 * below with `AUTH_TYPE: 'Bearer'`, `REMOTE_USER` (from `remoteUser`) and
 * `environ['tsgi.auth']` (the answer itself, e.g. the token's claims).
 *
 * Refusals follow RFC 6750 section 3.1: no token -> 401 `Bearer realm="..."`;
 * a token `verify` rejects -> 401 with `error="invalid_token"`; a malformed header
 * or a token sent twice -> 400 with `error="invalid_request"`.
 *
 * Put it right before the application (or router) it protects, below the access log.
 *
 * @example
 * const api = bearerAuth({ realm: 'api', verify: async (token) => tokens.lookup(token) })(app);
 * @see https://www.rfc-editor.org/rfc/rfc6750 (Bearer Token Usage)
 * @module
 */
import { isPromise, type Application, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { findBearerToken } from './bearer-token.js';
import { bearerChallenges } from './challenge.js';
import { grant, refuse, throwRefusal, type AuthErrorReason } from './outcome.js';

/**
 * Decides whether `token` is good. A falsy result (or a Promise of one) refuses with
 * `invalid_token`; anything else accepts and becomes `environ['tsgi.auth']`. A throw
 * or rejection propagates: the gateway answers 500.
 */
export type BearerVerify = (token: string, environ: Environ) => unknown;

export interface BearerAuthOptions {
  /** Checks a token; required. See {@link BearerVerify}. */
  verify: BearerVerify;
  /**
   * The protection space named in the challenge. Quoted and escaped; CR, LF and
   * other control characters are refused.
   * @default 'Restricted'
   */
  realm?: string;
  /**
   * Also accept the token as `?access_token=` (RFC 6750 section 2.3). Off by default:
   * URLs end up in logs, history and Referer headers.
   * @default false
   */
  allowQueryToken?: boolean;
  /**
   * The `REMOTE_USER` for an accepted token, from what `verify` returned.
   * @default a string result itself, else its `sub`, `user` or `username` string, else ''
   */
  remoteUser?: (result: unknown, environ: Environ) => string;
  /**
   * An application that answers refused requests instead of the default text
   * response. It sees `environ['tsgi.auth_error']`; a 401 it sends without a
   * `WWW-Authenticate` gets the Bearer challenge added.
   * @default undefined
   */
  onUnauthorized?: Application;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, so `httpErrors()` from @tsgi/errors, above,
   * renders it like every other error (and `cascade` still falls through a thrown 404
   * or 405). Here: the 401 or 400 (with `WWW-Authenticate` and the
   * one-line reason as the message). Give this or `onUnauthorized`, not both.
   * @default false
   */
  throwHttpErrors?: boolean;
}

/** The default `remoteUser`: the subject of the claims `verify` returned, if it names one. */
export function defaultRemoteUser(result: unknown): string {
  if (typeof result === 'string') return result;
  if (typeof result === 'object' && result !== null) {
    const claims = result as { sub?: unknown; user?: unknown; username?: unknown };
    if (typeof claims.sub === 'string') return claims.sub;
    if (typeof claims.user === 'string') return claims.user;
    if (typeof claims.username === 'string') return claims.username;
  }
  return '';
}

const DEFAULTS = {
  realm: 'Restricted',
  allowQueryToken: false,
  remoteUser: defaultRemoteUser,
} satisfies Required<Pick<BearerAuthOptions, 'realm' | 'allowQueryToken' | 'remoteUser'>>;

export function bearerAuth(options: BearerAuthOptions): Middleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('bearerAuth: options must be an object such as { verify: (token) => claims }');
  }
  const { verify } = options;
  let { onUnauthorized } = options;
  const realm = options.realm ?? DEFAULTS.realm;
  const allowQueryToken = options.allowQueryToken ?? DEFAULTS.allowQueryToken;
  const remoteUser = options.remoteUser ?? DEFAULTS.remoteUser;
  if (typeof verify !== 'function') {
    throw new TypeError(`bearerAuth: verify must be a function (token, environ), got ${typeof verify}`);
  }
  if (typeof allowQueryToken !== 'boolean') {
    throw new TypeError(`bearerAuth: allowQueryToken must be a boolean, got ${typeof allowQueryToken}`);
  }
  if (typeof remoteUser !== 'function') {
    throw new TypeError(`bearerAuth: remoteUser must be a function (result, environ) => string, got ${typeof remoteUser}`);
  }
  if (onUnauthorized !== undefined && typeof onUnauthorized !== 'function') {
    throw new TypeError(`bearerAuth: onUnauthorized must be an Application, got ${typeof onUnauthorized}`);
  }
  if (options.throwHttpErrors !== undefined && typeof options.throwHttpErrors !== 'boolean') {
    throw new TypeError(`bearerAuth: throwHttpErrors must be true or false, got ${String(options.throwHttpErrors)}`);
  }
  if (options.throwHttpErrors && onUnauthorized !== undefined) throw new TypeError('bearerAuth: give either onUnauthorized or throwHttpErrors, not both');
  if (options.throwHttpErrors) onUnauthorized = throwRefusal(challengeFor);
  const challenges = bearerChallenges(realm, 'bearerAuth: realm');

  function challengeFor(reason: AuthErrorReason): string {
    if (reason === 'malformed_token' || reason === 'multiple_tokens') return challenges.invalid_request;
    if (reason === 'invalid_token') return challenges.invalid_token;
    return challenges.missing;
  }

  return function bearerAuthMiddleware(app: Application): Application {
    if (typeof app !== 'function') {
      throw new TypeError('bearerAuth: the application to protect must be a function (environ, startResponse)');
    }

    function decide(result: unknown, environ: Environ, startResponse: StartResponse) {
      if (!result) return refuse(environ, startResponse, challenges.invalid_token, 'invalid_token', onUnauthorized);
      const user = remoteUser(result, environ);
      if (typeof user !== 'string') {
        throw new TypeError(`bearerAuth: remoteUser must return a string, got ${typeof user}`);
      }
      grant(environ, 'Bearer', user, result);
      return app(environ, startResponse);
    }

    async function decideLater(
      pending: PromiseLike<unknown>,
      environ: Environ,
      startResponse: StartResponse,
    ): Promise<Body> {
      return decide(await pending, environ, startResponse);
    }

    return function bearerAuthApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const token = findBearerToken(environ.HTTP_AUTHORIZATION, environ.QUERY_STRING, allowQueryToken);
      if (typeof token !== 'string') {
        return refuse(environ, startResponse, challengeFor(token.reason), token.reason, onUnauthorized);
      }
      const result = verify(token, environ);
      return isPromise(result)
        ? decideLater(result, environ, startResponse)
        : decide(result, environ, startResponse);
    };
  };
}
