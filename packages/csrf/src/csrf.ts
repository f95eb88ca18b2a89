/**
 * Cross-Site Request Forgery protection, the modern stateless way (Go 1.25's
 * `http.CrossOriginProtection`, Hono's `csrf()`): a request with an unsafe method (not
 * GET, HEAD, OPTIONS, TRACE) from another site is refused with `403 Forbidden` and a
 * one-line reason, decided from `Sec-Fetch-Site` and `Origin` alone (check.ts). No
 * token, no session, no state; safe methods pass untouched, at no cost.
 *
 * A request with neither header is not from a current browser; by default it passes
 * (`allowMissingOrigin`, as Go). For sites that must protect browsers older than
 * 2020, token mode (`token: { keys }`) is the signed double-submit cookie: every
 * request gets `environ['tsgi.csrf_token']` (and a `Set-Cookie` when it had no valid
 * token), and a request with neither header must send that token back in the
 * `X-CSRF-Token` header or the `_csrf` field of a urlencoded form.
 *
 * Put it below proxyFix (the request's own origin is rebuilt from `wsgi.url_scheme`
 * and `HTTP_HOST`, which proxyFix corrects behind a TLS proxy), below cors() (a
 * preflight is OPTIONS, safe, and an allowed cross-origin fetch still needs its origin
 * trusted here), above the apps and routers that change state.
 *
 * @example
 * const app = compose(proxyFix({ xProto: 1, xHost: 1 }), csrf({ trustedOrigins: ['https://app.example.com'] }))(routes);
 * @see https://developer.mozilla.org/en-US/docs/Web/Security/Attacks/CSRF
 * @see https://pkg.go.dev/net/http#CrossOriginProtection
 * @module
 */
import { HttpError, wrapResponse, type Application, type Body, type Environ, type Middleware, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { checkHeaders, SAFE_METHODS, type CsrfReason } from './check.js';
import { readCookie, setCookie } from './cookie.js';
import { formField, isUrlencodedForm } from './form.js';
import { resolveCsrfOptions, type CsrfOptions, type ResolvedToken } from './options.js';
import { refuse } from './refusal.js';
import { sameToken } from './token.js';

/** The environ key of this request's token, in token mode. */
export const CSRF_TOKEN_KEY = 'tsgi.csrf_token';

/** Made once: the start hook sends a newly minted token's cookie with the response. */
const COOKIE_HOOKS: ResponseHooks<string> = {
  start(head, cookie) {
    if (Array.isArray(head.headers)) head.headers = head.headers.concat([['Set-Cookie', cookie]]);
  },
};

/** The token sent back with the request (header, then urlencoded field), or undefined. */
async function submittedToken(environ: Environ, token: ResolvedToken): Promise<string | undefined> {
  const header = environ[token.headerKey];
  if (typeof header === 'string' && header !== '') return header;
  if (!isUrlencodedForm(environ)) return undefined;
  return formField(environ, token.field, token.formLimit);
}

export function csrf(options: CsrfOptions = {}): Middleware {
  const o = resolveCsrfOptions(options);
  const { token, throwHttpErrors, allowMissingOrigin } = o;

  return function csrfMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError(`csrf: the application must be a function (environ, startResponse), got ${typeof app}`);

    /** Token mode: the request's token (from its cookie or new), then the check. */
    async function tokenApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
      const t = token!;
      const scheme = environ['wsgi.url_scheme'];
      const cookie = readCookie(environ.HTTP_COOKIE, scheme === 'https' ? t.cookie.names.https : t.cookie.names.http);
      const valid = cookie !== undefined && (await t.signer.verify(cookie)) ? cookie : undefined;
      const current = valid ?? (await t.signer.mint());
      environ[CSRF_TOKEN_KEY] = current;
      if (!SAFE_METHODS.has(environ.REQUEST_METHOD)) {
        let verdict = checkHeaders(environ, o);
        if (verdict === 'missing') {
          let sent: string | undefined;
          try {
            sent = await submittedToken(environ, t);
          } catch (error) {
            if (!(error instanceof HttpError) || error.status !== 413) throw error;
            return refuse(environ, startResponse, 'form-too-large', throwHttpErrors);
          }
          verdict = sent === undefined ? 'missing-token' : valid !== undefined && sameToken(sent, valid) ? 'pass' : 'invalid-token';
        }
        if (verdict !== 'pass') return refuse(environ, startResponse, verdict, throwHttpErrors);
      }
      if (valid !== undefined) return app(environ, startResponse);
      return wrapResponse(app, environ, startResponse, COOKIE_HOOKS, setCookie(t.cookie, scheme, current));
    }

    if (token !== undefined) return tokenApp;

    return function csrfApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      if (SAFE_METHODS.has(environ.REQUEST_METHOD)) return app(environ, startResponse);
      const verdict = checkHeaders(environ, o);
      if (verdict === 'pass' || (verdict === 'missing' && allowMissingOrigin)) return app(environ, startResponse);
      const reason: CsrfReason = verdict === 'missing' ? 'missing-origin' : verdict;
      return refuse(environ, startResponse, reason, throwHttpErrors);
    };
  };
}
