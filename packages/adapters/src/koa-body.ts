/**
 * Koa's response as a tsgi response and back, for `toKoa`. Downward, `ctx.status`,
 * `ctx.message`, the response headers and `ctx.body` (Buffer, string, node stream,
 * web ReadableStream, Blob, Response, or a value Koa would send as JSON) become a
 * status line, a header list and a Body, read the way Koa's own `respond()` would
 * write them. Upward, a tsgi body becomes a node Readable for `ctx.body` that pulls
 * one chunk per read and calls the body's `close()` once when Koa is done with it
 * (finished, aborted, or never read: HEAD and 204/304).
 *
 * @example
 * const body = koaBody(ctx); // after await next()
 * ctx.body = new BodyReadable(tsgiBody, closer);
 *
 * @see https://github.com/koajs/koa/blob/master/docs/api/response.md#responsebody-1
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { statusLine, type Body, type ResponseHeaders } from '@tsgi/core';

/** The slice of Koa's context these helpers read: `import type` of koa stays optional. */
export interface KoaContextLike {
  status: number;
  message: string;
  body: unknown;
  respond?: boolean;
  /** The URL before a mount (koa-mount) cut its prefix off `req.url`. */
  originalUrl?: string;
  res: ServerResponse;
  req: IncomingMessage;
}

const EMPTY_STATUSES = new Set([204, 205, 304]);
const TEXT = 'text/plain; charset=utf-8';

/** A node stream body below: iterated as it flows, destroyed when the tsgi side closes it. */
class StreamBody implements AsyncIterable<Uint8Array> {
  constructor(private readonly stream: Readable) {}
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.stream[Symbol.asyncIterator]();
  }
  close(): void {
    if (!this.stream.destroyed) this.stream.destroy();
  }
}

function isNodeStream(value: unknown): value is Readable {
  return value !== null && typeof value === 'object' && typeof (value as Readable).pipe === 'function';
}

/** The status line Koa would send. */
export function koaStatus(ctx: KoaContextLike): string {
  return `${ctx.status} ${ctx.message || statusLine(ctx.status).slice(4)}`;
}

/**
 * The body Koa would send for `ctx`, and any header it would add doing so (Koa's
 * default body for a status without one is its reason phrase as text).
 */
export function koaBody(ctx: KoaContextLike, headers: ResponseHeaders): Body {
  const body = ctx.body;
  if (EMPTY_STATUSES.has(ctx.status)) {
    if (isNodeStream(body)) body.destroy();
    return [];
  }
  if (body === null || body === undefined) {
    if (body === null) return [];
    const text = Buffer.from(ctx.message || String(ctx.status));
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['Content-Type', TEXT]);
    return [text];
  }
  if (body instanceof Uint8Array) return [body];
  if (typeof body === 'string') return [Buffer.from(body)];
  if (isNodeStream(body)) return new StreamBody(body);
  if (body instanceof ReadableStream) return new StreamBody(Readable.fromWeb(body as NodeReadableStream));
  if (body instanceof Blob) return new StreamBody(Readable.fromWeb(body.stream() as NodeReadableStream));
  if (body instanceof Response) {
    return body.body === null ? [] : new StreamBody(Readable.fromWeb(body.body as NodeReadableStream));
  }
  return [Buffer.from(JSON.stringify(body))];
}

/** Calls a tsgi body's `close()` once, however Koa ends with it. */
export class BodyCloser {
  private done = false;
  constructor(
    private readonly body: Body,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly run = (): void => {
    if (this.done) return;
    this.done = true;
    try {
      const result = this.body.close?.();
      if (result && typeof result.then === 'function') result.then(undefined, this.onError);
    } catch (error) {
      this.onError(error);
    }
  };
}

export type Chunks = Iterator<Uint8Array> | AsyncIterator<Uint8Array>;

/** Starts iterating a tsgi body. */
export function chunksOf(body: Body): Chunks {
  return Symbol.asyncIterator in body
    ? (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    : (body as Iterable<Uint8Array>)[Symbol.iterator]();
}

/** A tsgi body as `ctx.body`: pulls one chunk per `_read`, stops and closes it on destroy. */
export class BodyReadable extends Readable {
  private reading = false;

  constructor(
    private readonly body: Body,
    /** Bytes already taken from the body (write() calls, chunks pulled before startResponse). */
    private readonly first: Uint8Array[],
    private readonly closer: BodyCloser,
    /** The body's iterator, when it was already started. */
    private chunks: Chunks | null = null,
  ) {
    super();
  }

  override _read(): void {
    if (!this.reading) void this.pull();
  }

  private async pull(): Promise<void> {
    this.reading = true;
    try {
      while (this.first.length > 0) if (!this.push(this.first.shift())) return;
      this.chunks ??= chunksOf(this.body);
      for (;;) {
        const step = await this.chunks.next();
        if (this.destroyed) return;
        if (step.done) {
          this.chunks = null;
          this.push(null);
          return;
        }
        if (!(step.value instanceof Uint8Array)) throw new TypeError(`toKoa: body chunks must be Uint8Array, got ${typeof step.value}`);
        if (step.value.byteLength > 0 && !this.push(step.value)) return;
      }
    } catch (error) {
      this.chunks = null;
      this.destroy(error as Error);
    } finally {
      this.reading = false;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const chunks = this.chunks;
    this.chunks = null;
    const stopped = chunks?.return?.();
    const close = (): void => {
      this.closer.run();
      callback(error);
    };
    if (stopped && typeof (stopped as Promise<unknown>).then === 'function') (stopped as Promise<unknown>).then(close, close);
    else close();
  }
}
