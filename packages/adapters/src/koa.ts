/**
 * `toKoa(middleware)`: a tsgi middleware as Koa middleware, `async (ctx, next)`. The
 * middleware sees the request as an environ built by the gateway's own builder; its
 * inner app runs `await next()` and reads what the rest of the stack left in
 * `ctx.status`, `ctx.message`, the response headers and `ctx.body` (Buffer, string,
 * stream, JSON value) the way Koa would send it. Its own response is written back
 * to `ctx` by core's response walk, the one `serve()` runs (koa-response.ts): status,
 * message, exactly its headers, `ctx.body` as a Buffer when the body is whole in hand
 * or a stream the walk fills; every PEP 3333 rule (a second startResponse, a body
 * past its Content-Length, HEAD, no-content statuses) holds as under `serve()`, and the
 * tsgi body is closed once, however Koa ends with it.
 *
 * Errors thrown below reject `await next()`, pass through the middleware, and reach
 * Koa's own handling (`ctx.onerror`, `app.on('error')`), as do the middleware's own
 * before its head went out; after it, the response is cut and the error logged.
 * `environ['tsgi.host']` is `ctx`; `environOf(ctx)` gives the environ to code below.
 * Under koa-mount (`app.use(mount('/admin', toKoa(mw)))`) the mount path is SCRIPT_NAME.
 *
 * @example
 * import Koa from 'koa';
 * import { toKoa } from '@tsgi/adapters/koa';
 * const app = new Koa();
 * app.use(toKoa(gzip()));
 * app.use((ctx) => { ctx.body = rows; });
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @see https://github.com/koajs/koa/blob/master/docs/guide.md#writing-middleware
 * @module
 */
import type { Body, Environ, Middleware, StartResponse } from '@tsgi/core';
import type { ErrorsOption } from '@tsgi/server';
import { buildEnviron, GatewayConnection, resolveListenerOptions } from '@tsgi/server/gateway';
import { attachEnviron, HOST_KEY } from './host.js';
import { koaBody, koaStatus, type KoaContextLike } from './koa-body.js';
import { KoaResponse } from './koa-response.js';
import { nodeHeaderList } from './node-headers.js';
import { cutPrefix, mountAt } from './mount.js';

export interface ToKoaOptions {
  /**
   * `wsgi.errors`: where the middleware and the response walk log.
   * @default process.stderr
   */
  errors?: ErrorsOption;
}

/** A Koa middleware; typed structurally so `koa` stays an optional peer. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

const CALL_KEY = 'tsgi.adapter.call';

/** The middleware's inner app: the rest of the Koa stack, as Koa would answer. */
async function koaStackApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
  const call = environ[CALL_KEY] as KoaResponse | undefined;
  if (call === undefined) {
    throw new Error(`toKoa: the inner app got an environ without '${CALL_KEY}'; a middleware must pass the environ on (or a copy with all its keys)`);
  }
  if (call.nextCalled) throw new Error('toKoa: the inner app was called twice; the Koa stack below runs once per request');
  call.nextCalled = true;
  await call.next();
  const ctx = call.ctx;
  if (ctx.respond === false) {
    throw new Error('toKoa: a middleware below set ctx.respond = false and wrote around Koa; nothing comes back to the tsgi middleware');
  }
  const headers = nodeHeaderList(ctx.res, false, 'toKoa');
  const body = koaBody(ctx, headers);
  startResponse(koaStatus(ctx), headers);
  return body;
}

/** Mounts `middleware` in Koa 2 or 3. */
export function toKoa(middleware: Middleware, options: ToKoaOptions = {}): KoaMiddleware {
  if (typeof middleware !== 'function') {
    throw new TypeError(`toKoa: middleware must be a function (app) => app, such as gzip(), got ${typeof middleware}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`toKoa: options must be an object, got ${String(options)}`);
  const config = resolveListenerOptions({ errors: options.errors ?? process.stderr });
  const app = middleware(koaStackApp);
  if (typeof app !== 'function') throw new TypeError(`toKoa: middleware(app) must return an application function, got ${typeof app}`);

  return async function tsgiKoaMiddleware(ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> {
    // environ['tsgi.connection'], one a request as under serve(): the response closes it.
    const connection = new GatewayConnection();
    const environ = buildEnviron(ctx.req, ctx.res, config, connection);
    if (environ === undefined) {
      throw Object.assign(new Error('toKoa: the request has more than one Host header (RFC 9112 section 3.2)'), { status: 400, expose: true });
    }
    const prefix = cutPrefix(ctx.originalUrl, ctx.req.url ?? '/');
    if (prefix !== '') mountAt(environ, prefix, ctx.originalUrl);
    const response = new KoaResponse(ctx, next, config.errors, connection);
    environ[HOST_KEY] = ctx;
    environ[CALL_KEY] = response;
    attachEnviron(ctx, environ);
    await response.handle(app, environ);
  };
}
