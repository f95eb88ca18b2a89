/**
 * Dropping the connection on purpose, in both directions, without an HTTP answer.
 *
 * - App to server: an app that throws (or rejects, or whose body throws) a
 *   `ConnectionAbort` asks the server to cut the connection at once, with no `500`
 *   and no log line: a proxy whose upstream failed mid-way, or `fromNodeListener`
 *   when the wrapped listener destroys its socket (`req.socket.destroy()`), which on
 *   node:http resets the client. It is Go's `http.ErrAbortHandler`. Any other error
 *   keeps its usual meaning (a 500 before the headers, a cut after).
 * - Server to app: `environ['tsgi.connection']`, when the server offers it, calls
 *   its `onClose` listeners and aborts its `signal`, with a `ConnectionAbort` as the
 *   reason, when the client goes away before the response is complete, so an app
 *   still working on its answer (a long poll, a wrapped listener waiting on
 *   `'close'`) can stop.
 *
 * @example
 * if (!upstream.ok) throw new ConnectionAbort('upstream reset', { cause: upstream.error });
 *
 * @see https://pkg.go.dev/net/http#ErrAbortHandler
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import { shareInstanceof } from './brand.js';

export class ConnectionAbort extends Error {
  override name = 'ConnectionAbort';

  constructor(message = 'the connection was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}
// A gateway knows one from either build (ESM or CommonJS) of @tsgi/core.
shareInstanceof(ConnectionAbort, 'tsgi.ConnectionAbort');

/** True for a `ConnectionAbort` from this or any other copy of @tsgi/core. */
export function isConnectionAbort(error: unknown): error is ConnectionAbort {
  return error instanceof ConnectionAbort;
}
