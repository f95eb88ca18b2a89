/**
 * `cascade(apps)`: tries apps in order and returns the first answer whose status is
 * not caught (404 and 405 by default), as Rack::Cascade does. The last app's answer is
 * returned whatever its status. Use it to layer a static-file app over a router, or
 * two routers over each other.
 *
 * A thrown refusal counts as an answered one: an error with a caught `status` (core's
 * `HttpError(404)` from an app built with `throwHttpErrors: true`, or any error with a
 * numeric 4xx/5xx `status`, as `isHttpError` reads it), thrown synchronously, as a
 * rejected promise, or from a lazy body's first chunk, means "not here" too. Any other
 * error goes up at once; the last app's answer or error, whatever it is, is the result.
 *
 * What it does: each attempt but the last runs under core's `wrapResponse`. A status
 * that is not caught goes up at once, as the app gave it (and `cascade` returns that
 * app's body untouched); a caught one is held, its `write()` output with it, and
 * dropped when the body comes: the body is closed (its `close()` called once), and
 * SCRIPT_NAME, PATH_INFO, `wsgiorg.routing_args` and `tsgi.route` are put back before the next app
 * runs, since dispatchers change them. An app that calls `startResponse` lazily (a
 * generator) has its first chunk pulled to learn the status, and that chunk is sent
 * first.
 *
 * Caveat (Rack::Cascade has the same): `wsgi.input` can be read only once. An app
 * that reads the request body and then answers 404 leaves nothing for the next one,
 * so cascade apps that route before they read.
 *
 * @example
 * const app = cascade([staticFiles, apiRouter, spaFallback]);
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { DISCARD, isHttpError, statusCode, wrapResponse, type Application, type Body, type Environ, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { ROUTE, ROUTING_ARGS } from './routing-args.js';

export interface CascadeOptions {
  /**
   * Statuses that mean "not mine, try the next app".
   * @default [404, 405]
   */
  catch?: readonly number[];
}

const DEFAULTS = { catch: [404, 405] } satisfies Required<CascadeOptions>;

export function cascade(apps: readonly Application[], options: CascadeOptions = {}): Application {
  if (!Array.isArray(apps) || apps.length === 0 || !apps.every((app) => typeof app === 'function')) {
    throw new TypeError('cascade: apps must be a non-empty array of Applications');
  }
  const codes = options.catch ?? DEFAULTS.catch;
  if (!Array.isArray(codes) || !codes.every((c) => Number.isInteger(c) && c >= 100 && c <= 599)) {
    throw new TypeError('cascade: catch must be an array of status codes (integers 100-599)');
  }
  const caught = new Set(codes);
  const list = apps.slice();
  const last = list.length - 1;
  // A caught status is held, then discarded: its body closed, its head and writes dropped.
  const hooks: ResponseHooks<undefined> = {
    hold: (head) => caught.has(statusCode(head.status)),
    respond: () => DISCARD,
  };

  return async function cascadeApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const scriptName = environ.SCRIPT_NAME;
    const pathInfo = environ.PATH_INFO;
    const args = environ[ROUTING_ARGS];
    const route = environ[ROUTE];
    for (let i = 0; i < last; i++) {
      try {
        const body = await wrapResponse(list[i]!, environ, startResponse, hooks, undefined);
        if (body !== DISCARD) return body;
      } catch (error) {
        if (!refused(error)) throw error;
      }
      restore(environ, scriptName, pathInfo, args, route);
    }
    return list[last]!(environ, startResponse);
  };

  /** Whether a thrown error is a refusal this cascade catches, as an answered status would be. */
  function refused(error: unknown): boolean {
    return isHttpError(error) && caught.has(error.status);
  }
}

/** Puts back what a dispatcher changed (the route it matched too), for the next attempt. */
function restore(environ: Environ, scriptName: string, pathInfo: string, args: unknown, route: unknown): void {
  environ.SCRIPT_NAME = scriptName;
  environ.PATH_INFO = pathInfo;
  if (args === undefined) delete environ[ROUTING_ARGS];
  else environ[ROUTING_ARGS] = args;
  if (route === undefined) delete environ[ROUTE];
  else environ[ROUTE] = route;
}
