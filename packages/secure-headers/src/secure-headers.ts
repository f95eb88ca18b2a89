/**
 * Security response headers with helmet's defaults: a Content-Security-Policy (with
 * per-request nonces when the policy asks for them), Cross-Origin-Opener-Policy,
 * Cross-Origin-Resource-Policy, Origin-Agent-Cluster, Referrer-Policy,
 * Strict-Transport-Security (on HTTPS requests only), X-Content-Type-Options,
 * X-DNS-Prefetch-Control, X-Download-Options, X-Frame-Options,
 * X-Permitted-Cross-Domain-Policies and X-XSS-Protection: 0, on every response; and
 * `X-Powered-By` and `Server` taken off the app's (an Express app wrapped with
 * fromNodeListener says who it is).
 *
 * The header list is built once at factory time (one for http, one for https). A
 * policy with `NONCE` in it costs each request 16 random bytes from WebCrypto
 * (`crypto.getRandomValues`), put in `environ['tsgi.csp_nonce']` (base64) for the app
 * to write into its `<script nonce="...">` tags, and the policy joined around it.
 *
 * Where in the stack: above the apps whose responses it covers and below proxyFix
 * (which tells it the request came over HTTPS); above httpErrors() so error pages get
 * the headers too.
 *
 * @example
 * const app = compose(proxyFix(), secureHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", NONCE] } } }))(site);
 * // in the app: `<script nonce="${environ['tsgi.csp_nonce']}">...</script>`
 * @see https://www.w3.org/TR/CSP3/#security-nonces
 * @see https://www.rfc-editor.org/rfc/rfc6797#section-7.2 (no HSTS over plain HTTP)
 * @module
 */
import { appendHeaders, wrapResponse, type Application, type Body, type Environ, type Middleware, type ResponseHeaders, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { headerMerger } from './merge-headers.js';
import { resolveOptions, type SecureHeadersOptions } from './options.js';

/** The environ key holding this request's CSP nonce (base64), when the policy uses `NONCE`. */
export const CSP_NONCE_KEY = 'tsgi.csp_nonce';

/** 128 random bits, base64: the CSP spec asks for at least 128 bits, unguessable per response. */
function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

export function secureHeaders(options: SecureHeadersOptions = {}): Middleware {
  const resolved = resolveOptions(options);
  const { http, https, noncePolicy } = resolved;
  const merge = headerMerger(resolved);
  const hooks: ResponseHooks<ResponseHeaders> = {
    start(head, ours) {
      // Not a list: left as it is for the gateway to report the app's mistake.
      if (Array.isArray(head.headers)) head.headers = merge(head.headers, ours);
    },
  };

  return function secureHeadersMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError(`secureHeaders: the application must be a function (environ, startResponse), got ${typeof app}`);

    return function secureHeadersApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      let ours = environ['wsgi.url_scheme'] === 'https' ? https : http;
      if (noncePolicy !== undefined) {
        const nonce = makeNonce();
        environ[CSP_NONCE_KEY] = nonce;
        ours = appendHeaders([[noncePolicy.header, noncePolicy.withNonce(nonce)]], ours);
      }
      return wrapResponse(app, environ, startResponse, hooks, ours);
    };
  };
}
