/**
 * What `toHono` and `toH3` share: a tsgi middleware run by `@tsgi/fetch`'s `toFetch`
 * on the host's Request, whose inner app is the host's `next()`: the Response the
 * host's stack below produced goes to the middleware as its inner app's status,
 * headers and streamed body (`startFetchResponse`, the same reading `fromFetch` does),
 * and the Response `toFetch` builds from the middleware's answer goes back to the host.
 *
 * Errors raised before that Response exists are rethrown to the host, so its own
 * error handling (Hono's `onError`, h3's `onError`) answers them (a value the host
 * could not read, as an Error that describes it: core's `readableError`). The request body is
 * left unlocked until the middleware reads `wsgi.input`, so routes below can read it
 * when the middleware does not.
 *
 * @example
 * const run = fetchAdapter(gzip(), {}, 'toHono');
 * const response = await run(c.req.raw, { next: () => next().then(() => c.res), host: c, nextCalled: false });
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import { type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { readableError, type ErrorsOption } from '@tsgi/core/gateway';
import { startFetchResponse, toFetch } from '@tsgi/fetch';
import { attachEnviron, HOST_KEY } from './host.js';

export interface FetchAdapterOptions {
  /**
   * `wsgi.errors`: an ErrorStream, a stream with `write(text)`, or a function that gets
   * each message (the forms every gateway's `errors` takes).
   * @default console.error
   */
  errors?: ErrorsOption;
  /**
   * A mount prefix moved from PATH_INFO to SCRIPT_NAME when the path starts with it
   * (`/api` for a middleware used on `/api/*`).
   * @default ''
   */
  scriptName?: string;
}

/** One request: how to run the host's stack below, and the host's object for `tsgi.host`. */
export interface FetchCall {
  next(): Promise<Response>;
  host: object;
  nextCalled: boolean;
}

export type FetchAdapterHandler = (request: Request, call: FetchCall) => Promise<Response>;

const CALL_KEY = 'tsgi.adapter.call';

/** The middleware's inner app: the host's stack below, read from the Response it produced. */
async function hostStackApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
  const call = environ[CALL_KEY] as FetchCall | undefined;
  if (call === undefined) {
    throw new Error(`tsgi adapter: the inner app got an environ without '${CALL_KEY}'; a middleware must pass the environ on (or a copy with all its keys)`);
  }
  if (call.nextCalled) throw new Error('tsgi adapter: the inner app was called twice; the host stack runs once per request');
  call.nextCalled = true;
  attachEnviron(call.host, environ);
  return startFetchResponse(await call.next(), startResponse);
}

function callKeys(_request: Request, call: unknown): Partial<Environ> {
  return { [CALL_KEY]: call, [HOST_KEY]: (call as FetchCall).host };
}

/** Checks the options once and returns the per-request runner for `middleware`. */
export function fetchAdapter(middleware: Middleware, options: FetchAdapterOptions, name: string): FetchAdapterHandler {
  if (typeof middleware !== 'function') {
    throw new TypeError(`${name}: middleware must be a function (app) => app, such as gzip(), got ${typeof middleware}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`${name}: options must be an object, got ${String(options)}`);
  const app = middleware(hostStackApp);
  if (typeof app !== 'function') throw new TypeError(`${name}: middleware(app) must return an application function, got ${typeof app}`);
  const handler = toFetch(app, { errors: options.errors, scriptName: options.scriptName, environ: callKeys, rethrow: true }) as FetchAdapterHandler;
  return function fetchAdapterHandler(request, call) {
    return handler(request, call).catch((error: unknown) => {
      throw readableError(error, `${name}: the middleware failed: `);
    });
  };
}
