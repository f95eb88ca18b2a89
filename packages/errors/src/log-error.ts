/**
 * One `wsgi.errors` entry for an error this package answered (the gateway never sees
 * it, so it would not log it): what was answered, the request, and the stack.
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import { describeError, requestUri, type Environ } from '@tsgi/core';
import { maskUrl } from './mask.js';

/**
 * Writes `error` (whatever was thrown: `describeError` copes with any value) to the
 * request's `wsgi.errors`; a broken log stream is not the client's problem. Secrets
 * in the URL and in the error text (an upstream URL with an API key) are masked by
 * the rule the development page uses: logs are read by more people than the app.
 */
export function logError(environ: Environ, who: string, status: number, error: unknown): void {
  try {
    environ['wsgi.errors'].write(`tsgi ${who}: ${status} for ${environ.REQUEST_METHOD} ${maskUrl(requestUri(environ))}: ${maskUrl(describeError(error))}\n`);
  } catch {
    // Logging must not turn an answered error into an unanswered one.
  }
}
