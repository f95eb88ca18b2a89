/**
 * `lint(app)`: wraps an application so that every call checks both sides of the
 * PEP 3333 contract, like wsgiref.validate and Rack::Lint. The server side: the
 * environ, startResponse and wsgi.input it provides, and that it closes the body
 * exactly once. The app side: status, headers, the body and its chunks, Content-Length,
 * write(), and what it does with wsgi.input and wsgi.errors. A breach throws a
 * `LintError` naming the rule; a correct app and server see no difference.
 *
 * Where it goes: right under the gateway to check a whole stack (and the gateway),
 * around the app in tests (`testClient` does it by default), or between two
 * middleware layers to find which one breaks the contract.
 *
 * @example
 * ```ts
 * import { lint } from '@tsgi/lint';
 * const app = lint(compose(gzip(), accessLog())(hello));
 * await serve(app, { port: 8000 });
 * ```
 * @see https://peps.python.org/pep-3333/
 * @see https://docs.python.org/3/library/wsgiref.html#module-wsgiref.validate
 * @module
 */
import { isPromise, type Application, type Body, type Environ, type StartResponse } from '@tsgi/core';
import { checkEnviron, checkExtensionKeys } from './check-environ.js';
import { LintError, show } from './lint-error.js';
import { lintBody, type LateReport, type LintLayer } from './lint-body.js';
import { LintedErrors, LintedInput } from './lint-streams.js';
import { ResponseCheck } from './response-check.js';
import { lintOffer } from './lint-websocket.js';

export interface LintOptions {
  /**
   * Receives faults found after the call returned, when nobody is waiting for an
   * error to be thrown (today: `body.close-missing`).
   * @default writes the message to the environ's wsgi.errors
   */
  onLateError?: (error: LintError, environ: Environ) => void;
  /**
   * How long after the iteration stopped the server may take to call `close()`
   * before `body.close-missing` is reported, in ms. `Infinity` turns the check off.
   * @default 1000
   */
  closeTimeout?: number;
}

/**
 * Where a lint layer leaves itself on the environ for a lint layer further down, so that
 * the two can check the middleware between them (block boundaries). A symbol: it is not
 * a CGI key, and object spreads of the environ carry it along.
 */
const LAYER = Symbol.for('tsgi.lint.layer');
type LayeredEnviron = Environ & { [LAYER]?: LintLayer };

const DEFAULTS = {
  onLateError: (error: LintError, environ: Environ): void => environ['wsgi.errors'].write(error.message + '\n'),
  closeTimeout: 1000,
} satisfies Required<LintOptions>;

/** Returns `app` wrapped in the PEP 3333 checks. */
export function lint(app: Application, options: LintOptions = {}): Application {
  if (typeof app !== 'function') throw new TypeError(`lint: app must be an application function, got ${show(app)}`);
  const onLateError = options.onLateError ?? DEFAULTS.onLateError;
  const closeTimeout = options.closeTimeout ?? DEFAULTS.closeTimeout;
  if (typeof onLateError !== 'function') throw new TypeError('lint: onLateError must be a function');
  if (!(closeTimeout >= 0)) throw new TypeError(`lint: closeTimeout must be a number >= 0, got ${String(closeTimeout)}`);

  return function lintedApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    checkEnviron(environ);
    if (typeof startResponse !== 'function') {
      throw new LintError('start-response.callable', `the server passed ${show(startResponse)} as startResponse`);
    }
    const serverErrors = environ['wsgi.errors'];
    const check = new ResponseCheck(environ.REQUEST_METHOD, startResponse);
    check.offer = lintOffer(environ);
    environ['wsgi.input'] = new LintedInput(environ['wsgi.input'], environ.CONTENT_LENGTH, check);
    environ['wsgi.errors'] = new LintedErrors(serverErrors);
    const late: LateReport = {
      report: (error) => onLateError(error, { ...environ, 'wsgi.errors': serverErrors }),
      closeTimeout,
    };
    const layered = environ as LayeredEnviron;
    const parent = layered[LAYER];
    const layer: LintLayer = { parent, child: undefined, unanswered: 0 };
    if (parent !== undefined) parent.child = layer;
    // Lint layers called below this one (now, or once an async middleware gets to it)
    // find this layer; once the call settles, the next sibling finds the parent again.
    layered[LAYER] = layer;
    const restore = (): void => {
      layered[LAYER] = parent;
    };
    let result: Body | PromiseLike<Body>;
    let pending: boolean;
    try {
      result = app(environ, check.startResponse);
      // Any thenable, as every gateway awaits it (core's isPromise); asking for `then`
      // may run the app's getter, so it is part of the call.
      pending = isPromise<Body>(result);
    } catch (error) {
      restore();
      throw error;
    }
    if (pending) {
      return Promise.resolve(result).then(
        (body) => {
          restore();
          checkExtensionKeys(environ);
          return lintBody(body, check, late, layer);
        },
        (error: unknown) => {
          restore();
          throw error;
        },
      );
    }
    restore();
    checkExtensionKeys(environ);
    return lintBody(result as Body, check, late, layer);
  };
}
