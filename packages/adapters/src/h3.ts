/**
 * `toH3(middleware)`: a tsgi middleware as h3 v2 middleware, `(event, next)`, on any
 * runtime h3 runs on (built on `@tsgi/fetch`, no node: modules). The middleware sees
 * `event.req` as an environ; its inner app runs `next()` and turns what the stack
 * below returned (a Response, a string, a JSON value, an HTTPError...) into a
 * Response with h3's own `toResponse`, with the status and headers handlers set on
 * `event.res`; the middleware's response is what the h3 middleware returns.
 *
 * Errors thrown below reject `next()`, pass through the middleware and reach h3's
 * error handling (`onError`); so do the middleware's own. `environ['tsgi.host']` is
 * the event; `environOf(event)` gives the environ to handlers below.
 *
 * @example
 * import { H3 } from 'h3';
 * import { toH3 } from '@tsgi/adapters/h3';
 * const app = new H3();
 * app.use(toH3(gzip()));
 * app.get('/data', () => rows);
 *
 * @see https://h3.dev/guide/basics/middleware
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import { toResponse, type H3Event, type Middleware as H3Middleware } from 'h3';
import type { Middleware } from '@tsgi/core';
import { fetchAdapter, type FetchAdapterOptions } from './fetch-adapter.js';

export type ToH3Options = FetchAdapterOptions;

/** Mounts `middleware` in h3 2. */
export function toH3(middleware: Middleware, options: ToH3Options = {}): H3Middleware {
  const run = fetchAdapter(middleware, options, 'toH3');
  return function tsgiH3Middleware(event: H3Event, next: () => unknown): Promise<Response> {
    return run(event.req, {
      // toResponse also takes the status and headers handlers set on event.res.
      next: async () => toResponse(await next(), event),
      host: event,
      nextCalled: false,
    });
  };
}

export { environOf, hostOf, HOST_KEY } from './host.js';
