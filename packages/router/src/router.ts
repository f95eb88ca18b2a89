/**
 * `router()`: method + path pattern to a tsgi Application, in the manner of Werkzeug
 * routing and find-my-way. The router is itself an Application with the route
 * methods attached; put it at the bottom of the stack, or mount it in `urlMap`.
 *
 * What it does to the request: it matches PATH_INFO only (never SCRIPT_NAME, so it
 * works the same mounted under any prefix; an empty PATH_INFO counts as `/`), decodes
 * the params as UTF-8 and stores them in `environ['wsgiorg.routing_args']` as
 * `[positional, named]`, read back with `routingArgs(environ)`. The matched route's
 * template, SCRIPT_NAME first (`/api/users/:id`), goes to `environ['tsgi.route']`
 * for telemetry and logs (`http.route`); a miss (404, 405, OPTIONS, redirect) leaves
 * none there. The matched app's response passes through untouched.
 *
 * What it answers itself:
 * - 404 (or the `notFound` app) when no pattern matches the path;
 * - 405 with `Allow` when the path matches routes of other methods;
 * - OPTIONS with 204 and `Allow` when no route handles OPTIONS for the path;
 * - HEAD goes to the GET route unless a HEAD route exists (the gateway drops the body);
 * - 400 when a param's bytes are not UTF-8 (a malformed or truncated escape);
 * - 308 to the path with/without its trailing slash, in `trailingSlash: 'redirect'`.
 * With `throwHttpErrors: true` the 400, 404 and 405 are thrown as `HttpError`s instead.
 *
 * `%2F` in a request path: the gateway decodes it to `/` before PATH_INFO is built,
 * so the router cannot tell it from a real slash. `/users/a%2Fb` does not match
 * `/users/:id` (a param never spans `/`) and a wildcard receives `a/b`.
 *
 * @example
 * const app = router()
 *   .get('/users/:id(\\d+)', showUser)
 *   .post('/users', createUser)
 *   .get('/files/*path', serveFile);
 * @see https://peps.python.org/pep-3333/#environ-variables (SCRIPT_NAME, PATH_INFO)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6 (405 Method Not Allowed)
 * @module
 */
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { allowOf } from './allow.js';
import { ANY_METHOD, Matcher, type Table } from './matcher.js';
import { notFoundApp, quotePath, textResponse, throwingResponse, throwNotFoundApp } from './router-answers.js';
import { plainSpans } from './args-factory.js';
import { clearRoute, ROUTING_ARGS, setRoute, setRoutingArgs } from './routing-args.js';

export interface RouterOptions {
  /**
   * What to do about a trailing slash: `'strict'` (`/a` and `/a/` are different
   * paths), `'redirect'` (a miss is answered with 308 to the other spelling when a
   * route answers there) or `'ignore'` (one trailing slash is dropped from patterns
   * and paths before matching).
   * @default 'strict'
   */
  trailingSlash?: 'strict' | 'redirect' | 'ignore';
  /**
   * The app that answers when no pattern matches the path.
   * @default a plain-text `404 Not Found`
   */
  notFound?: Application;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, so `httpErrors()` from @tsgi/errors, above,
   * renders it like every other error (and `cascade` still falls through a thrown 404
   * or 405). Here: the 400, 404 and 405 (with `Allow`); a `notFound` app
   * given here still answers the 404s.
   * @default false
   */
  throwHttpErrors?: boolean;
}

/** A router is an Application with chainable route methods. */
export interface Router extends Application {
  get(pattern: string, app: Application): Router;
  post(pattern: string, app: Application): Router;
  put(pattern: string, app: Application): Router;
  patch(pattern: string, app: Application): Router;
  delete(pattern: string, app: Application): Router;
  head(pattern: string, app: Application): Router;
  options(pattern: string, app: Application): Router;
  /** A route for every method (it also takes OPTIONS and never yields a 405). */
  all(pattern: string, app: Application): Router;
  route(methods: string | readonly string[], pattern: string, app: Application): Router;
  /** The pure lookup underneath, for inspection and benchmarks. */
  readonly matcher: Matcher<Application>;
}

const DEFAULTS = { trailingSlash: 'strict', notFound: notFoundApp, throwHttpErrors: false } satisfies Required<RouterOptions>;
const TRAILING = ['strict', 'redirect', 'ignore'];
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function router(options: RouterOptions = {}): Router {
  const trailingSlash = options.trailingSlash ?? DEFAULTS.trailingSlash;
  const throwHttpErrors = options.throwHttpErrors ?? DEFAULTS.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean') throw new TypeError(`router: throwHttpErrors must be true or false, got ${String(throwHttpErrors)}`);
  const notFound = options.notFound ?? (throwHttpErrors ? throwNotFoundApp : DEFAULTS.notFound);
  const refuse = throwHttpErrors ? throwingResponse : textResponse;
  if (!TRAILING.includes(trailingSlash)) {
    throw new TypeError(`router: trailingSlash must be 'strict', 'redirect' or 'ignore', got ${String(trailingSlash)}`);
  }
  if (typeof notFound !== 'function') throw new TypeError('router: notFound must be an Application (a function)');
  const matcher = new Matcher<Application>();
  const ignoreSlash = trailingSlash === 'ignore';
  // The tables a missed lookup reached (its Allow), reused across requests: the walk
  // is synchronous and `miss` reads and empties the list before any app can run and
  // re-enter. A match may leave tables passed on the way, emptied on the next request.
  const reached: Array<Table<Application>> = [];

  const routerApp = function routerApp(environ: Environ, startResponse: StartResponse) {
    const method = environ.REQUEST_METHOD;
    let path = environ.PATH_INFO || '/';
    if (ignoreSlash && path.length > 1 && path.charCodeAt(path.length - 1) === 47) path = path.slice(0, -1);
    while (reached.length !== 0) reached.pop();
    const route = matcher.lookup(method, path, reached);
    if (route !== null) {
      setRoute(environ, route.pattern);
      const count = route.names.length;
      if (count !== 0) {
        const bounds = matcher.bounds;
        // The usual case in one allocation: no outer router's args to add to, and params
        // that need no decoding. Anything else goes the long way, which may answer 400.
        if (environ[ROUTING_ARGS] === undefined && plainSpans(path, bounds, count)) environ[ROUTING_ARGS] = route.args(path, bounds);
        else if (!setRoutingArgs(environ, route.names, path, bounds)) return refuse(startResponse, 400);
      }
      return route.value(environ, startResponse);
    }
    if (ignoreSlash && path !== environ.PATH_INFO && environ.PATH_INFO) {
      // Only a wildcard can match the slash 'ignore' dropped (`/files/*` and `/files/`).
      const exact = matcher.lookup(method, environ.PATH_INFO);
      if (exact !== null) {
        setRoute(environ, exact.pattern);
        if (!setRoutingArgs(environ, exact.names, environ.PATH_INFO, matcher.bounds)) return refuse(startResponse, 400);
        return exact.value(environ, startResponse);
      }
    }
    return miss(environ, startResponse, method, path);
  } as Router;

  // The slow path, apart so the hot one stays small: OPTIONS, 405, slash redirect, 404.
  function miss(environ: Environ, startResponse: StartResponse, method: string, path: string) {
    clearRoute(environ);
    if (reached.length !== 0) {
      const allow = allowOf(reached);
      while (reached.length !== 0) reached.pop(); // cheaper than setting length

      return refuse(startResponse, method === 'OPTIONS' ? 204 : 405, ['Allow', allow]);
    }
    if (trailingSlash === 'redirect' && path !== '/') {
      const other = path.endsWith('/') ? path.slice(0, -1) : path + '/';
      if (matcher.find(method, other) !== null) {
        const location = quotePath((environ.SCRIPT_NAME ?? '') + other);
        // A Location starting with '//' would be a protocol-relative URL to another host.
        if (!location.startsWith('//')) {
          const query = environ.QUERY_STRING ? '?' + environ.QUERY_STRING : '';
          return textResponse(startResponse, 308, ['Location', location + query]);
        }
      }
    }
    return notFound(environ, startResponse);
  }

  function add(methods: string | readonly string[], pattern: string, app: Application): Router {
    if (typeof app !== 'function') throw new TypeError(`router: the app for ${pattern} must be a function`);
    let key = pattern;
    if (ignoreSlash && key.length > 1 && key.endsWith('/')) key = key.slice(0, -1);
    for (const method of typeof methods === 'string' ? [methods] : methods) {
      if (method !== ANY_METHOD && !METHOD.test(method)) {
        throw new TypeError(`router: ${JSON.stringify(method)} is not an HTTP method`);
      }
      matcher.add(method, key, app);
    }
    return routerApp;
  }

  return Object.assign(routerApp, {
    get: (pattern: string, app: Application) => add('GET', pattern, app),
    post: (pattern: string, app: Application) => add('POST', pattern, app),
    put: (pattern: string, app: Application) => add('PUT', pattern, app),
    patch: (pattern: string, app: Application) => add('PATCH', pattern, app),
    delete: (pattern: string, app: Application) => add('DELETE', pattern, app),
    head: (pattern: string, app: Application) => add('HEAD', pattern, app),
    options: (pattern: string, app: Application) => add('OPTIONS', pattern, app),
    all: (pattern: string, app: Application) => add(ANY_METHOD, pattern, app),
    route: add,
    matcher,
  });
}
