/**
 * Cross-Origin Resource Sharing, the server's half of the Fetch standard's CORS
 * protocol, like the `cors` package and Hono's `cors()`:
 *
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is
 *   answered here, without calling the app: `204` with `Access-Control-Allow-Origin`,
 *   `-Allow-Methods`, `-Allow-Headers` (the list given, or the requested headers
 *   reflected), `-Max-Age`, and `-Allow-Credentials` / `-Allow-Private-Network` when
 *   enabled. A preflight from an origin not allowed gets a plain `204` with none of
 *   them (the browser then blocks the request it was asking about), never an error.
 *   `preflightContinue` hands preflights to the app instead.
 * - Any other request goes to the app; its response, whatever its status (4xx and 5xx
 *   too), gets `Access-Control-Allow-Origin` (and `-Allow-Credentials`,
 *   `-Expose-Headers`) when the origin is allowed.
 * - `Vary: Origin` goes on every response whose CORS headers depend on the request's
 *   origin (every origin option but `'*'`): allowed, refused, or without `Origin`, so
 *   a shared cache never hands one origin's answer to another.
 * - The CORS response headers are this middleware's: the app's own are replaced, not
 *   doubled (see merge-headers.ts).
 *
 * Put it near the top of the stack: under proxyFix and the access log, above auth (a
 * preflight carries no credentials and must not be refused by them), above the router
 * (whose 404/405 then carry the headers too) and above httpErrors(), so error pages are
 * readable by the page that asked.
 *
 * @example
 * const api = compose(accessLog(), cors({ origin: ['https://app.example.com'], credentials: true }))(routes);
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @see https://wicg.github.io/private-network-access/
 * @module
 */
import { isToken, statusLine, wrapResponse, type Application, type Body, type Environ, type Middleware, type ResponseHeaders, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { corsAnswer, mergeCorsHeaders, type CorsAnswer } from './merge-headers.js';
import { resolveCorsOptions, type CorsOptions } from './options.js';

const NONE: readonly string[] = [];
const VARY_ORIGIN: readonly string[] = ['Origin'];
const VARY_PREFLIGHT_REFLECTED: readonly string[] = ['Origin', 'Access-Control-Request-Headers'];
const VARY_REFLECTED: readonly string[] = ['Access-Control-Request-Headers'];

/**
 * Allowed origins whose answers are kept, per cors() instance: a list's origins are
 * few, a pattern's could be many (every subdomain), and an attacker's are never kept
 * (only allowed origins are), so the bound is for patterns.
 */
const KEPT_ANSWERS = 256;

/** Made once: the start hook puts a request's CORS headers into whatever the app sends. */
const HOOKS: ResponseHooks<CorsAnswer> = {
  start(head, answer) {
    // Not a list: left as it is for the gateway to report the app's mistake.
    if (Array.isArray(head.headers)) head.headers = mergeCorsHeaders(head.headers, answer);
  },
};

/** An `Access-Control-Request-Headers` value that is a list of tokens, as browsers send it. */
function requestedHeaders(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim());
  if (names.length === 1 && names[0] === '') return undefined;
  return names.every(isToken) ? names.join(', ') : undefined;
}

export function cors(options: CorsOptions = {}): Middleware {
  const o = resolveCorsOptions(options);
  const { origins, actualTail } = o;
  const dependent = !origins.any;
  const varyActual = dependent ? VARY_ORIGIN : NONE;
  // Answers that do not depend on which allowed origin asked, made once; an allowed
  // origin's answer is made on its first request and kept (see KEPT_ANSWERS).
  const anyOrigin = corsAnswer([['Access-Control-Allow-Origin', '*'], ...actualTail], NONE);
  const refused = corsAnswer([], varyActual);
  const kept = new Map<string, CorsAnswer>();
  const preflightStatus = statusLine(o.optionsSuccessStatus);
  const preflightEnd: ResponseHeaders = o.optionsSuccessStatus === 204 ? [] : [['Content-Length', '0']];

  /** The CORS headers of an actual (non-preflight) response. */
  function actualHeaders(origin: string | undefined, environ: Environ): CorsAnswer {
    if (!dependent) return anyOrigin;
    if (origin === undefined) return refused;
    const known = kept.get(origin);
    if (known !== undefined) return known;
    if (!origins.test(origin, environ)) return refused;
    const answer = corsAnswer([['Access-Control-Allow-Origin', origin], ...actualTail], VARY_ORIGIN);
    if (origins.byOrigin && kept.size < KEPT_ANSWERS) kept.set(origin, answer);
    return answer;
  }

  /** The CORS headers of a preflight's answer, or `refused`. */
  function preflightHeaders(origin: string, environ: Environ): CorsAnswer {
    if (!origins.test(origin, environ)) return refused;
    const added: ResponseHeaders = [['Access-Control-Allow-Origin', origins.any ? '*' : origin], ...o.preflightTail];
    let allowHeaders = o.allowHeaders;
    if (allowHeaders === undefined) allowHeaders = requestedHeaders(environ.HTTP_ACCESS_CONTROL_REQUEST_HEADERS);
    if (allowHeaders !== undefined) added.push(['Access-Control-Allow-Headers', allowHeaders]);
    if (o.maxAge !== undefined) added.push(['Access-Control-Max-Age', o.maxAge]);
    if (o.privateNetwork && environ.HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK === 'true') {
      added.push(['Access-Control-Allow-Private-Network', 'true']);
    }
    const reflected = o.allowHeaders === undefined;
    const vary = reflected ? (dependent ? VARY_PREFLIGHT_REFLECTED : VARY_REFLECTED) : varyActual;
    return corsAnswer(added, vary);
  }

  return function corsMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError(`cors: the application must be a function (environ, startResponse), got ${typeof app}`);

    return function corsApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const origin = environ.HTTP_ORIGIN;
      if (origin !== undefined && environ.REQUEST_METHOD === 'OPTIONS' && environ.HTTP_ACCESS_CONTROL_REQUEST_METHOD !== undefined) {
        const headers = preflightHeaders(origin, environ);
        if (o.preflightContinue) return wrapResponse(app, environ, startResponse, HOOKS, headers);
        const list = headers.added.concat(preflightEnd);
        if (headers.vary.length > 0) list.push(headers.tail[headers.tail.length - 1]!);
        startResponse(preflightStatus, list);
        return [];
      }
      return wrapResponse(app, environ, startResponse, HOOKS, actualHeaders(origin, environ));
    };
  };
}
