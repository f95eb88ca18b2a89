/**
 * `ClientDisconnected`: what `wsgi.input` throws when the client went away before the
 * request body was complete (Werkzeug raises an exception of the same name). A
 * gateway throws it; an app may let it propagate; an access log that sees it knows
 * that nobody is left to answer, and logs nginx's `499` (client closed request)
 * instead of the 500 an app error would get.
 *
 * @example
 * try {
 *   body = await readBody(environ);
 * } catch (error) {
 *   if (isClientDisconnected(error)) return []; // nobody to answer
 *   throw error;
 * }
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */

export class ClientDisconnected extends Error {
  override name = 'ClientDisconnected';
  /** node's code for a connection the peer ended, so code that checks it keeps working. */
  readonly code = 'ECONNRESET';

  constructor(message = 'the client closed the connection before the request body was complete', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** How deep `isClientDisconnected` follows `cause`: an app that wraps the error still counts. */
const MAX_CAUSES = 8;

/**
 * True for a `ClientDisconnected` (from any copy of this package, by name), or an error
 * whose `cause` chain holds one.
 */
export function isClientDisconnected(error: unknown): boolean {
  // Any value may be asked about, a Proxy whose traps throw included: never throw.
  try {
    for (let i = 0; i < MAX_CAUSES && error instanceof Error; i++) {
      if (error instanceof ClientDisconnected || error.name === 'ClientDisconnected') return true;
      error = error.cause;
    }
  } catch {
    // A value that throws when looked at is not one of ours.
  }
  return false;
}
