/**
 * `toKoa(middleware)`: a tsgi middleware as Koa middleware, `async (ctx, next)`. The
 * middleware sees the request as an environ built by the gateway's own builder; its
 * inner app runs `await next()` and reads what the rest of the stack left in
 * `ctx.status`, `ctx.message`, the response headers and `ctx.body` (Buffer, string,
 * stream, JSON value) the way Koa would send it. Its own response is written back
 * to `ctx` (status, message, exactly its headers, `ctx.body` as a stream pulling
 * the tsgi body, or a Buffer when it is one chunk), so Koa middleware above sees and
 * sends it, and the tsgi body is closed once when Koa is done with it.
 *
 * Errors thrown below reject `await next()`, pass through the middleware, and reach
 * Koa's own handling (`ctx.onerror`, `app.on('error')`), as do the middleware's own.
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
import {
  checkHeaders,
  closeBody,
  checkStatus,
  describeError,
  statusCode,
  type Body,
  type Environ,
  type Middleware,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';
import { buildEnviron, resolveListenerOptions, type ErrorsOption } from '@tsgi/server';
import { attachEnviron, HOST_KEY } from './host.js';
import { BodyCloser, BodyReadable, chunksOf, koaBody, koaStatus, type Chunks, type KoaContextLike } from './koa-body.js';
import { nodeHeaderList } from './node-headers.js';
import { cutPrefix, mountAt } from './mount.js';

export interface ToKoaOptions {
  /**
   * `wsgi.errors`: where the middleware logs.
   * @default process.stderr
   */
  errors?: ErrorsOption;
}

/** A Koa middleware; typed structurally so `koa` stays an optional peer. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void>;

const CALL_KEY = 'tsgi.adapter.call';

/** One request: Koa's context and next, and the response the middleware starts. */
class KoaCall {
  status: string | undefined = undefined;
  headers: ResponseHeaders = [];
  writes: Uint8Array[] = [];
  nextCalled = false;
  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    // Nothing reaches Koa before the middleware returns: excInfo may always replace.
    if ((excInfo === undefined || excInfo === null) && this.status !== undefined) {
      throw new Error('toKoa: startResponse() was called a second time without excInfo (PEP 3333)');
    }
    const problem = checkStatus(status) ?? checkHeaders(headers);
    if (problem !== undefined) throw new TypeError(`toKoa: ${problem}`);
    this.status = status;
    this.headers = headers;
    return this.write;
  };
  private readonly write: Write = (chunk) => {
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`toKoa: write() takes a Uint8Array, got ${typeof chunk}`);
    if (chunk.byteLength > 0) this.writes.push(chunk);
  };

  constructor(
    readonly ctx: KoaContextLike,
    readonly next: () => Promise<unknown>,
  ) {}
}

/** The middleware's inner app: the rest of the Koa stack, as Koa would answer. */
async function koaStackApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
  const call = environ[CALL_KEY] as KoaCall | undefined;
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
  const headers = nodeHeaderList(ctx.res, false);
  const body = koaBody(ctx, headers);
  startResponse(koaStatus(ctx), headers);
  return body;
}

/**
 * PEP 3333 lets an app call startResponse as late as its first chunk (gzip waits for
 * enough bytes to decide): iterate until it has, keeping what came out.
 */
async function awaitStart(call: KoaCall, body: Body): Promise<Chunks | null> {
  if (call.status !== undefined) return null;
  const chunks = chunksOf(body);
  try {
    while (call.status === undefined) {
      const step = await chunks.next();
      if (step.done) break;
      if (step.value.byteLength > 0) call.writes.push(step.value);
    }
  } catch (error) {
    await closeBody(body);
    throw error;
  }
  return chunks;
}

/** Writes the middleware's response back to `ctx`. */
function writeBack(call: KoaCall, body: Body, chunks: Chunks | null, errors: (error: unknown) => void): void {
  const { ctx, status, headers, writes } = call;
  if (status === undefined) {
    void closeBody(body).catch(errors);
    throw new Error('toKoa: the middleware returned a body without calling startResponse()');
  }
  const code = statusCode(status);
  ctx.status = code;
  ctx.message = status.slice(4);
  const closer = new BodyCloser(body, errors);
  ctx.res.once('close', closer.run);
  if (code === 204 || code === 205 || code === 304) {
    ctx.body = null;
    closer.run();
  } else if (chunks === null && Array.isArray(body) && writes.length === 0 && body.length <= 1) {
    ctx.body = body.length === 0 ? Buffer.alloc(0) : Buffer.from(body[0].buffer, body[0].byteOffset, body[0].byteLength);
    closer.run();
  } else ctx.body = new BodyReadable(body, writes, closer, chunks);
  // Exactly the middleware's headers: Koa's body setter guessed a type and a length.
  const res = ctx.res;
  let length: string | undefined;
  for (const name of res.getHeaderNames()) if (name !== 'content-length' || !Buffer.isBuffer(ctx.body)) res.removeHeader(name);
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'content-length') length = value;
    else res.appendHeader(name, value);
  }
  if (length !== undefined) res.setHeader('Content-Length', length);
}

/** Mounts `middleware` in Koa 2 or 3. */
export function toKoa(middleware: Middleware, options: ToKoaOptions = {}): KoaMiddleware {
  if (typeof middleware !== 'function') {
    throw new TypeError(`toKoa: middleware must be a function (app) => app, such as gzip(), got ${typeof middleware}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`toKoa: options must be an object, got ${String(options)}`);
  const config = resolveListenerOptions({ errors: options.errors ?? process.stderr });
  const logError = (error: unknown): void => {
    config.errors.write(`toKoa: error while closing the response body: ${describeError(error)}\n`);
  };
  const app = middleware(koaStackApp);
  if (typeof app !== 'function') throw new TypeError(`toKoa: middleware(app) must return an application function, got ${typeof app}`);

  return async function tsgiKoaMiddleware(ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> {
    const environ = buildEnviron(ctx.req, ctx.res, config);
    if (environ === undefined) {
      throw Object.assign(new Error('toKoa: the request has more than one Host header (RFC 9112 section 3.2)'), { status: 400, expose: true });
    }
    const prefix = cutPrefix(ctx.originalUrl, ctx.req.url ?? '/');
    if (prefix !== '') mountAt(environ, prefix, ctx.originalUrl);
    const call = new KoaCall(ctx, next);
    environ[HOST_KEY] = ctx;
    environ[CALL_KEY] = call;
    attachEnviron(ctx, environ);
    const body = await app(environ, call.startResponse);
    if (body === null || typeof body !== 'object') {
      throw new TypeError(`toKoa: the middleware must return an iterable of Uint8Array, got ${body === null ? 'null' : typeof body}`);
    }
    writeBack(call, body, await awaitStart(call, body), logError);
  };
}
