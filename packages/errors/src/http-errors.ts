/**
 * `httpErrors(options)`: turns what the app below throws into a response. An
 * `HttpError` (core's, or one of this package's status classes) becomes its status,
 * its headers (`Allow`, `WWW-Authenticate`, `Retry-After`) and a body in the form
 * `Accept` asks for: RFC 9457 problem+json, HTML or plain text (the default), with its
 * message when it exposes it (by default below 500).
 *
 * Anything else with a 4xx/5xx `status` (http-errors', an HTTP client's error, an SDK's)
 * keeps its status but none of its headers, and its message only for a 4xx with
 * `expose: true`: an upstream's error carries the upstream's URL (API key and all) and
 * `Set-Cookie`, which are not this client's to see. Anything thrown without a status
 * becomes a 500 that says nothing of its message. 5xx errors go to `wsgi.errors` with
 * their stack.
 *
 * It catches a sync throw, a rejected promise, and an error from the body while it
 * streams, until the first byte went out; after that the error goes on to the gateway,
 * which cuts the connection and logs it once (a second status line cannot be sent).
 *
 * Put it outermost, or right under the logger and gzip, so that their errors and every
 * layer's below are answered the same way. In development put `showExceptions()`
 * right under it.
 *
 * @example
 * const app = compose(httpErrors(), router().get('/users/:id', showUser))(notFoundApp);
 * // showUser: throw new NotFound(`no user ${id}`) -> 404, "Not Found\nno user 7"
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457 (problem details)
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import { statusLine, type Application, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { guard } from './guard.js';
import { logError } from './log-error.js';
import { errorHeaders, problemResponse, resolveRenderers, toProblem, type ErrorRenderer } from './problem.js';

export interface HttpErrorsOptions {
  /**
   * A renderer of your own for some statuses, e.g. `{ 404: notFoundPage }`; it gets
   * the problem, the error, the environ and the media type `Accept` chose.
   * @default {} (every status: problem+json, HTML or text by `Accept`)
   */
  renderers?: Readonly<Record<number, ErrorRenderer>>;
  /**
   * Write 5xx errors, with their stack, to `wsgi.errors` (4xx are expected refusals).
   * @default true
   */
  logServerErrors?: boolean;
}

const DEFAULTS = {
  renderers: {},
  logServerErrors: true,
} satisfies Required<HttpErrorsOptions>;

/** Answers errors from the app below with their status; see the module comment. */
export function httpErrors(options: HttpErrorsOptions = {}): Middleware {
  const renderers = resolveRenderers(options.renderers ?? DEFAULTS.renderers, 'httpErrors');
  const logServerErrors = options.logServerErrors ?? DEFAULTS.logServerErrors;
  if (typeof logServerErrors !== 'boolean') {
    throw new TypeError(`tsgi httpErrors: logServerErrors must be true or false, got ${String(logServerErrors)}`);
  }

  function answerError(error: unknown, environ: Environ, startResponse: StartResponse): Uint8Array[] {
    const problem = toProblem(error, environ);
    const headers = errorHeaders(error);
    const bytes = problemResponse(problem, error, environ, renderers, headers);
    // Throws the error back when the response has already started: the gateway cuts and logs it.
    startResponse(statusLine(problem.status), headers, error);
    if (logServerErrors && problem.status >= 500) logError(environ, 'httpErrors', problem.status, error);
    return [bytes];
  }

  return (app: Application): Application => guard(app, answerError);
}
