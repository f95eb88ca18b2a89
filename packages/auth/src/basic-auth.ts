/**
 * HTTP Basic authentication (RFC 7617), as Rack::Auth::Basic: a request whose
 * `Authorization: Basic` credentials check out reaches the app below with
 * `REMOTE_USER` (the user-id), `AUTH_TYPE: 'Basic'` and `environ['tsgi.auth']` (what
 * `verify` returned, or the user name for a `users` table). Any other request gets a
 * `401` with `WWW-Authenticate: Basic realm="...", charset="UTF-8"` and a one-line
 * text body; the app below never runs for it.
 *
 * Put it right before the application it protects, below the access log (so refused
 * requests are logged) and below any router that mounts it.
 *
 * @example
 * const app = compose(accessLog(), basicAuth({ realm: 'Admin', users: { alice: 's3cret' } }))(admin);
 * const custom = basicAuth({ verify: async (user, password) => db.login(user, password) });
 * @see https://www.rfc-editor.org/rfc/rfc7617 (The 'Basic' HTTP Authentication Scheme)
 * @module
 */
import { isPromise, type Application, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { credentialsFor } from './authorization.js';
import { parseBasic } from './basic-credentials.js';
import { basicChallenge } from './challenge.js';
import { CredentialTable, type UserTable } from './compare.js';
import { grant, refuse, throwRefusal } from './outcome.js';

/**
 * Decides whether `user` may come in with `password`. A falsy result (or a Promise
 * of one) refuses; anything else accepts and becomes `environ['tsgi.auth']`. A throw
 * or rejection propagates: the gateway answers 500.
 */
export type BasicVerify = (user: string, password: string, environ: Environ) => unknown;

export interface BasicAuthOptions {
  /**
   * The protection space named in the challenge. Quoted and escaped; CR, LF and other
   * control characters are refused.
   * @default 'Restricted'
   */
  realm?: string;
  /**
   * A fixed table of user -> password, checked in constant time. Give this or
   * `verify`, not both.
   * @default undefined
   */
  users?: UserTable;
  /**
   * Your own check, sync or async, for passwords you keep hashed elsewhere. Give this
   * or `users`, not both. Comparing secrets in constant time is then up to you.
   * @default undefined
   */
  verify?: BasicVerify;
  /**
   * An application that answers refused requests instead of the default text
   * response. It sees `environ['tsgi.auth_error']`; a 401 it sends without a
   * `WWW-Authenticate` gets the Basic challenge added.
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

const DEFAULTS = { realm: 'Restricted' } satisfies Required<Pick<BasicAuthOptions, 'realm'>>;

export function basicAuth(options: BasicAuthOptions = {}): Middleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('basicAuth: options must be an object such as { users: { alice: "s3cret" } }');
  }
  const { users, verify } = options;
  let { onUnauthorized } = options;
  const challenge = basicChallenge(options.realm ?? DEFAULTS.realm, 'basicAuth: realm');
  if (users !== undefined && verify !== undefined) {
    throw new TypeError('basicAuth: give either users or verify, not both');
  }
  if (users === undefined && verify === undefined) {
    throw new TypeError('basicAuth: users (a user -> password table) or verify (a function) is required');
  }
  if (verify !== undefined && typeof verify !== 'function') {
    throw new TypeError(`basicAuth: verify must be a function (user, password, environ), got ${typeof verify}`);
  }
  if (onUnauthorized !== undefined && typeof onUnauthorized !== 'function') {
    throw new TypeError(`basicAuth: onUnauthorized must be an Application, got ${typeof onUnauthorized}`);
  }
  if (options.throwHttpErrors !== undefined && typeof options.throwHttpErrors !== 'boolean') {
    throw new TypeError(`basicAuth: throwHttpErrors must be true or false, got ${String(options.throwHttpErrors)}`);
  }
  if (options.throwHttpErrors && onUnauthorized !== undefined) throw new TypeError('basicAuth: give either onUnauthorized or throwHttpErrors, not both');
  if (options.throwHttpErrors) onUnauthorized = throwRefusal(() => challenge);
  const table = users === undefined ? undefined : new CredentialTable(users, 'basicAuth: users');

  return function basicAuthMiddleware(app: Application): Application {
    if (typeof app !== 'function') {
      throw new TypeError('basicAuth: the application to protect must be a function (environ, startResponse)');
    }

    function decide(result: unknown, user: string, environ: Environ, startResponse: StartResponse) {
      if (!result) return refuse(environ, startResponse, challenge, 'invalid_credentials', onUnauthorized);
      grant(environ, 'Basic', user, result);
      return app(environ, startResponse);
    }

    async function decideLater(
      pending: PromiseLike<unknown>,
      user: string,
      environ: Environ,
      startResponse: StartResponse,
    ): Promise<Body> {
      return decide(await pending, user, environ, startResponse);
    }

    function admit(matched: boolean, user: string, environ: Environ, startResponse: StartResponse) {
      if (!matched) return refuse(environ, startResponse, challenge, 'invalid_credentials', onUnauthorized);
      grant(environ, 'Basic', user, user);
      return app(environ, startResponse);
    }

    return function basicAuthApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const header = environ.HTTP_AUTHORIZATION;
      const token68 = header === undefined ? null : credentialsFor(header, 'Basic');
      if (token68 === null) {
        const reason = header === undefined || header.trim() === '' ? 'missing_credentials' : 'unsupported_scheme';
        return refuse(environ, startResponse, challenge, reason, onUnauthorized);
      }
      const credentials = parseBasic(token68);
      if (typeof credentials === 'string') {
        return refuse(environ, startResponse, challenge, credentials, onUnauthorized);
      }
      if (table !== undefined) return admit(table.check(credentials.user, credentials.bytes), credentials.user, environ, startResponse);
      const result = verify!(credentials.user, credentials.password, environ);
      return isPromise(result)
        ? decideLater(result, credentials.user, environ, startResponse)
        : decide(result, credentials.user, environ, startResponse);
    };
  };
}
