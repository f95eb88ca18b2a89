/**
 * One `wsgi.errors` entry for an error this package answered (the gateway never sees
 * it, so it would not log it): what was answered, the request, and the stack.
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import { describeError, requestUri, type Environ } from '@tsgi/core';

/**
 * Writes `error` (whatever was thrown: `describeError` copes with any value) to the
 * request's `wsgi.errors`; a broken log stream is not the client's problem.
 */
export function logError(environ: Environ, who: string, status: number, error: unknown): void {
  try {
    environ['wsgi.errors'].write(`tsgi ${who}: ${status} for ${environ.REQUEST_METHOD} ${requestUri(environ)}: ${describeError(error)}\n`);
  } catch {
    // Logging must not turn an answered error into an unanswered one.
  }
}
