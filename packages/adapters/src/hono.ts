/**
 * `toHono(middleware)`: a tsgi middleware as Hono middleware, `async (c, next)`, on
 * any runtime Hono runs on (built on `@tsgi/fetch`, no node: modules). The middleware
 * sees the request as an environ; its inner app runs `await next()` and reads
 * `c.res`; its own response replaces `c.res` as it is (headers the stack below had
 * set are not merged back in). A middleware that answers by itself (auth's 401)
 * never runs `next()`.
 *
 * Errors below are Hono's already (its compose turns them into `c.res` through
 * `onError`); errors the middleware raises before answering are rethrown into Hono,
 * so `app.onError` answers them too. `environ['tsgi.host']` is `c`; `environOf(c)`
 * gives the environ to handlers below.
 *
 * @example
 * import { Hono } from 'hono';
 * import { toHono } from '@tsgi/adapters/hono';
 * const app = new Hono();
 * app.use('/api/*', toHono(basicAuth({ users }), { scriptName: '/api' }));
 * app.get('/api/data', (c) => c.json(rows));
 *
 * @see https://hono.dev/docs/guides/middleware
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Middleware } from '@tsgi/core';
import { fetchAdapter, type FetchAdapterOptions } from './fetch-adapter.js';

export type ToHonoOptions = FetchAdapterOptions;

/** Mounts `middleware` in Hono 4. */
export function toHono(middleware: Middleware, options: ToHonoOptions = {}): MiddlewareHandler {
  const run = fetchAdapter(middleware, options, 'toHono');
  return async function tsgiHonoMiddleware(c: Context, next: Next): Promise<void> {
    const response = await run(c.req.raw, {
      next: async () => {
        await next();
        return c.res;
      },
      host: c,
      nextCalled: false,
    });
    // Clear first: assigning over a response merges the old one's headers into the new.
    c.res = undefined;
    c.res = response;
  };
}

export { environOf, hostOf, HOST_KEY } from './host.js';
