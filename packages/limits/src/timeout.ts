/**
 * `timeout({ ms })`: a request whose app has not started its response within `ms`
 * gets `504 Gateway Timeout` with a one-line reason, instead of hanging until the
 * client or a proxy gives up. "Started" means the app returned its body with its
 * status and headers (for a lazy app that calls startResponse from its first
 * iteration: produced its first chunk). A response that started in time is never
 * cut, however long it then streams.
 *
 * Request: `environ['tsgi.timeout']` is a {@link RequestTimeout}: `ms`, `timedOut`
 * and a lazily made `signal` that aborts when the limit passes, so the app can stop
 * work nobody waits for (pass it to `fetch`, a query). JavaScript cannot stop a
 * running function: an app that ignores the signal runs on, and what it answers
 * after the 504 is closed and dropped (an error it throws then goes to `wsgi.errors`).
 * Response: held (core's response wrapper) until the app answers, so the 504 can
 * replace it; then passed on untouched (an array body stays the same array). An app
 * that streams with `write()` before returning has its writes held until it returns.
 * The timer is cleared when the response starts or the app fails: none outlives the
 * request.
 *
 * Where in the stack: inside the access log and `httpErrors()` (they see the 504),
 * outside the work that may be slow (router, app); one per route by mounting it
 * there.
 *
 * @example
 * import { timeout } from '@tsgi/limits';
 * const app = compose(accessLog(), timeout({ ms: 5000 }))(inner);
 * // inner: await fetch(url, { signal: timeoutSignal(environ) })
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.6.5 (504 Gateway Timeout)
 * @see https://hono.dev/docs/middleware/builtin/timeout
 * @module
 */
import { isPromise, wrapResponse, type Application, type Environ, type Middleware, type ResponseHooks } from '@tsgi/core';
import { checkOption, checkThrowHttpErrors, isPositiveInteger } from './options.js';
import { LATE, RequestDeadline, type DeadlineConfig, type RequestTimeout } from './request-deadline.js';

export interface TimeoutOptions {
  /** Milliseconds the app has to start its response. @default 30000 */
  ms?: number;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, for `httpErrors()` from `@tsgi/errors` above to
   * render. Here: the 504.
   * @default false
   */
  throwHttpErrors?: boolean;
}

const DEFAULTS = {
  ms: 30_000,
  throwHttpErrors: false,
} satisfies Required<TimeoutOptions>;

/** The environ key of the request's {@link RequestTimeout}. */
export const TIMEOUT_KEY = 'tsgi.timeout';

// setTimeout's delay is a 32-bit signed integer: past it Node fires at once.
const MAX_MS = 2 ** 31 - 1;

// The respond hook: the app's body and head are known. After the 504 the body is
// refused (the wrapper closes it); before, the clock stops here.
const hooks: ResponseHooks<RequestDeadline> = {
  respond(_head, body, deadline) {
    if (deadline.timedOut) throw LATE;
    deadline.started();
    return body;
  },
};

/** 504 Gateway Timeout when the app has not started its response within `ms`. */
export function timeout(options: TimeoutOptions = {}): Middleware {
  const ms = checkOption('timeout', 'ms', options.ms, DEFAULTS.ms, (n) => isPositiveInteger(n) && n <= MAX_MS, `a whole number of milliseconds from 1 to ${MAX_MS}`);
  const config: DeadlineConfig = {
    ms,
    throwHttpErrors: checkThrowHttpErrors('timeout', options.throwHttpErrors),
    message: `the application did not start its response within ${ms} ms`,
  };

  return function timeoutMiddleware(app: Application): Application {
    return function timeoutApp(environ, startResponse) {
      const deadline = new RequestDeadline(config, environ, startResponse);
      environ[TIMEOUT_KEY] = deadline;
      const result = wrapResponse(app, environ, startResponse, hooks, deadline);
      return isPromise(result) ? deadline.race(result) : result;
    };
  };
}

/** The signal of the innermost `timeout()` above this request, or undefined without one. */
export function timeoutSignal(environ: Environ): AbortSignal | undefined {
  return (environ[TIMEOUT_KEY] as RequestTimeout | undefined)?.signal;
}
