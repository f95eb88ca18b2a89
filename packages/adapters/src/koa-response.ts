/**
 * One request inside `toKoa`: core's `ResponseDriver` walks the middleware's response
 * (startResponse and excInfo, `write()`, Content-Length never exceeded and a short body
 * cut, HEAD and no-content statuses, the one `close()`), exactly as under `serve()`;
 * this class is its sink, Koa's context.
 *
 * - The head goes to `ctx` (status, reason phrase, exactly the middleware's headers),
 *   so Koa middleware above sees it and Koa's `respond()` sends it. A response whole in
 *   hand when its head goes out (an array body, a sync body of one chunk, no content)
 *   is `ctx.body` as a Buffer, which Koa sends with its length; anything else is a
 *   {@link KoaBodyStream} the walk fills one chunk per read, so a slow client never
 *   makes it hold more than the stream's buffer.
 * - An error before the head goes to Koa's own error handling (`ctx.onerror`,
 *   `app.on('error')`) as the rejection of the Koa middleware, as any Koa
 *   middleware's would; after the head it errors the stream (Koa cuts the response),
 *   logged to `wsgi.errors`. A `ConnectionAbort` drops the connection.
 * - The client leaving (or Koa destroying the stream) stops the body and closes it, and
 *   tells `environ['tsgi.connection']`, watched from the start so a middleware still
 *   working on its own answer (a long poll) hears of it.
 *
 * @example
 * const connection = new GatewayConnection();
 * const environ = buildEnviron(ctx.req, ctx.res, config, connection);
 * const response = new KoaResponse(ctx, next, errors, connection);
 * await response.handle(app, environ); // ctx holds the answer; the body may still stream
 *
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @see https://github.com/koajs/koa/blob/master/docs/api/response.md#responsebody-1
 * @module
 */
import { Readable } from 'node:stream';
import { isConnectionAbort, type Application, type Environ, type ErrorStream } from '@tsgi/core';
import { readableError, ResponseDriver } from '@tsgi/core/gateway';
import type { GatewayConnection } from '@tsgi/server/gateway';
import type { KoaContextLike } from './koa-body.js';

function ignore(): void {}

/** `ctx.body` for a streamed response: each read lets the walk go on; destroyed early, the client is gone. */
class KoaBodyStream extends Readable {
  constructor(private readonly response: KoaResponse) {
    super();
    // Its error is the walk's, already logged; it may break before Koa listens.
    this.on('error', ignore);
  }

  override _read(): void {
    this.response.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Before its end: Koa (or a layer above) let go of it; the walk stops and closes the body.
    if (!this.readableEnded) void this.response.clientGone();
    callback(error);
  }
}

export class KoaResponse extends ResponseDriver {
  /** The Koa stack below ran (`await next()`): it runs once per request. */
  nextCalled = false;
  private stream: KoaBodyStream | undefined = undefined;
  /** Settles when `ctx` holds the answer (or the error Koa must handle). */
  private decided: { resolve(): void; reject(error: unknown): void } | undefined = undefined;
  private watching = false;

  constructor(
    readonly ctx: KoaContextLike,
    readonly next: () => Promise<unknown>,
    errors: ErrorStream,
    /** `environ['tsgi.connection']`: closed when the client leaves before the answer is done. */
    private readonly connection: GatewayConnection,
  ) {
    super(ctx.method === 'HEAD', errors, 'toKoa');
    this.watch();
  }

  /**
   * Runs `app` and resolves once `ctx` holds its head (the body may still stream);
   * rejects with an error from before the head, for Koa's error handling.
   */
  handle(app: Application, environ: Environ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.decided = { resolve, reject };
      const running = this.run(app, environ);
      // Ended without a head (the client left first): Koa has nothing to send.
      if (running === undefined) resolve();
      else void running.then(resolve);
    });
  }

  protected sendHead(length: number, flush: boolean): void {
    // Known length: sendEnd follows at once with the whole body, a Buffer for Koa.
    if (length >= 0 && !flush) return;
    const stream = (this.stream = new KoaBodyStream(this));
    this.applyHead(stream);
  }

  protected sendChunk(chunk: Uint8Array): boolean {
    return this.stream!.push(chunk);
  }

  protected sendEnd(last: Uint8Array | readonly Uint8Array[] | undefined): void {
    const stream = this.stream;
    if (stream === undefined) {
      const bytes = last === undefined ? undefined : last instanceof Uint8Array ? last : Buffer.concat(last);
      // No content: `null` is Koa's "no body" (an empty Buffer would get a Content-Length).
      this.applyHead(!this.bodyAllowed ? null : bytes === undefined ? Buffer.alloc(0) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return;
    }
    if (last instanceof Uint8Array) stream.push(last);
    else if (last !== undefined) for (const chunk of last) stream.push(chunk);
    stream.push(null);
  }

  protected sendAbort(error: unknown): void {
    if (this.stream !== undefined) {
      // The walk logged the error. The stream breaks (a layer above reading it sees an
      // error) and the connection is cut, as the server cuts it: Koa may not have
      // written the head yet, and would answer a broken stream with a 500 of its own.
      if (!this.stream.destroyed) this.stream.destroy(new Error('toKoa: the response was cut after its head went out (see wsgi.errors)'));
      this.ctx.res.destroy();
    } else if (isConnectionAbort(error)) {
      // The middleware asked to drop the connection: no answer at all.
      this.ctx.respond = false;
      this.ctx.res.destroy();
      this.decide();
    } else this.decide(readableError(error, 'toKoa: the middleware failed: '));
  }

  /** Koa answers errors from before the head with its own error handling, unlogged here. */
  protected override raises(): boolean {
    return !this.headersSent;
  }

  override clientGone(): void | Promise<void> {
    if (!this.finished) {
      try {
        this.connection.close();
      } catch (error) {
        this.log('error in a tsgi.connection onClose listener', error);
      }
    }
    return super.clientGone();
  }

  protected override watch(): void {
    if (this.watching) return;
    this.watching = true;
    this.ctx.res.once('close', () => void this.clientGone());
  }

  protected where(): string {
    return `${this.ctx.method ?? ''} ${this.ctx.originalUrl ?? this.ctx.req.url ?? ''}`;
  }

  /**
   * The head (and `body`) into `ctx`: the body first, since Koa's setter guesses a
   * type and a length (and makes a bodyless 200 a 204); then status and reason; then
   * exactly the middleware's headers, with the length of a Buffer body it did not give.
   */
  private applyHead(body: Buffer | Readable | null): void {
    const ctx = this.ctx;
    ctx.body = body;
    ctx.status = this.code;
    ctx.message = this.status!.slice(4);
    const res = ctx.res;
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    for (const [name, value] of this.headers) res.appendHeader(name, value);
    if (this.code === 205) res.setHeader('Content-Length', '0');
    else if (this.contentLength < 0 && Buffer.isBuffer(body) && (body.byteLength > 0 || this.bodyAllowed)) {
      res.setHeader('Content-Length', String(body.byteLength));
    }
    this.decide();
  }

  private decide(error?: unknown): void {
    const decided = this.decided;
    this.decided = undefined;
    if (decided === undefined) return;
    if (error === undefined) decided.resolve();
    else decided.reject(error);
  }
}
