/**
 * The catching both `httpErrors()` and `showExceptions()` do: an error thrown by the
 * app call, a rejected promise, or an error from the body while it is iterated turns
 * into the response a handler makes - as long as no byte of the response went out.
 * It is the `recover` hook of core's `wrapResponse`, which keeps a sync body sync and
 * an array body an array (the gateway's one-write path), and closes the app's body.
 *
 * The handler answers through PEP 3333's `startResponse(status, headers, excInfo)`:
 * above us, the gateway (or a middleware still holding the response) replaces the
 * status and headers when nothing was sent yet, and rethrows `excInfo` when it was
 * (e.g. after the app's `write()`). A rethrown error travels on to the gateway, which
 * cuts the connection and logs it to `wsgi.errors`, once; the handler logs only what
 * it answered. Once this layer has passed a non-empty chunk up it does not try at all.
 *
 * @example
 * const app2 = guard(app, (error, environ, startResponse) => {
 *   startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
 *   return [Buffer.from('sorry\n')];
 * });
 *
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import { wrapResponse, type Application, type Body, type Environ, type ResponseHooks, type StartResponse } from '@tsgi/core';

/**
 * Makes the response for `error`: calls `startResponse(status, headers, error)` and
 * returns the body. Throwing (or letting `startResponse` throw) hands the error on.
 */
export type ErrorHandler = (error: unknown, environ: Environ, startResponse: StartResponse) => Uint8Array[];

/** `app` with its errors answered by `handler`; see the module comment. */
export function guard(app: Application, handler: ErrorHandler): (environ: Environ, startResponse: StartResponse) => Body | Promise<Body> {
  const hooks: ResponseHooks<Environ> = {
    recover: (error, startResponse, environ) => handler(error, environ, startResponse),
  };
  return function guardedApp(environ, startResponse) {
    return wrapResponse(app, environ, startResponse, hooks, environ);
  };
}
