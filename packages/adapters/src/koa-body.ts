/**
 * Koa's response as a tsgi response, for `toKoa`'s inner app: `ctx.status`,
 * `ctx.message`, the response headers and `ctx.body` (Buffer, string, node stream,
 * web ReadableStream, Blob, Response, or a value Koa would send as JSON) become a
 * status line, a header list and a Body, read the way Koa's own `respond()` would
 * write them. (The way back up, a tsgi response into `ctx`, is koa-response.ts.)
 *
 * @example
 * const headers = nodeHeaderList(ctx.res, false); // after await next()
 * startResponse(koaStatus(ctx), headers);
 * return koaBody(ctx, headers);
 *
 * @see https://github.com/koajs/koa/blob/master/docs/api/response.md#responsebody-1
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { headerNameIs, statusLine, type Body, type ResponseHeaders } from '@tsgi/core';

/** The slice of Koa's context these helpers read: `import type` of koa stays optional. */
export interface KoaContextLike {
  status: number;
  message: string;
  method?: string;
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
    if (!headers.some(([name]) => headerNameIs(name, 'content-type'))) headers.push(['Content-Type', TEXT]);
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
