/**
 * The inner half of the Node adapters (`toConnect`, `toFastify`): while the host's
 * stack below the tsgi middleware runs, what it writes to the host's `res` (status,
 * headers, body) is captured and handed to the middleware as its inner app's
 * response. `res.writeHead`, `write`, `end` and `flushHeaders` are patched on the
 * instance, the way `compression` and `on-headers` do it, so `res.json()`, `pipe()`,
 * `res.sendFile()` and a bare `res.end()` all land here; the real response is written
 * later by the adapter through {@link ResponseCapture.outer}, which calls the methods
 * that were there before.
 *
 * The body streams: `write()` queues bytes and returns false past `highWaterMark`,
 * and `'drain'` is emitted on `res` when the middleware has pulled the queue down, so
 * a piped stream below keeps its backpressure. A response the host ends in the turn
 * it starts it (most `res.send()`) becomes an array body, which the gateway writes
 * with a Content-Length in one call.
 *
 * @example
 * const capture = new ResponseCapture(res, 16384);
 * next(); // the host's stack writes to res
 * await capture.head(); // then capture.status, capture.headers, capture.body()
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import { ServerResponse, STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import { statusLine, type Body, type ResponseHeaders } from '@tsgi/core';
import { nodeHeaderList } from './node-headers.js';

const kCapture = Symbol('tsgi.capture');
type Captured = ServerResponse & { [kCapture]: ResponseCapture };
type Callback = (error?: Error | null) => void;
type WriteHead = (code: number, reason?: unknown, headers?: unknown) => ServerResponse;

const DONE: IteratorResult<Uint8Array> = Object.freeze({ done: true, value: undefined });
const realHeadersSent = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ServerResponse.prototype), 'headersSent')!.get!;

function toBytes(chunk: unknown, encoding: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, (encoding as BufferEncoding | undefined) ?? 'utf8');
  throw new TypeError(`tsgi adapter: res.write() takes a string or Uint8Array, got ${chunk === null ? 'null' : typeof chunk}`);
}

/** `res.writeHead` below the middleware: applies status and headers as node would, then captures them. */
function captureWriteHead(this: Captured, code: number, reason?: unknown, headers?: unknown): Captured {
  const capture = this[kCapture];
  if (capture.committed) return this;
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw new RangeError(`tsgi adapter: invalid status code ${String(code)} passed to res.writeHead()`);
  }
  this.statusCode = code;
  if (typeof reason === 'string') this.statusMessage = reason;
  else headers = reason;
  if (Array.isArray(headers)) {
    // node takes [[name, value], ...] or [name, value, name, value, ...]
    const flat: unknown[] = Array.isArray(headers[0]) ? (headers as unknown[][]).flat() : headers;
    for (let i = 0; i < flat.length; i += 2) this.removeHeader(String(flat[i]));
    for (let i = 0; i < flat.length; i += 2) this.appendHeader(String(flat[i]), flat[i + 1] as string);
  } else if (headers !== null && typeof headers === 'object') {
    for (const name in headers as OutgoingHttpHeaders) {
      const value = (headers as OutgoingHttpHeaders)[name];
      if (value !== undefined) this.setHeader(name, value);
    }
  }
  capture.commit();
  return this;
}

function captureWrite(this: Captured, chunk: unknown, encoding?: unknown, callback?: Callback): boolean {
  const capture = this[kCapture];
  if (typeof encoding === 'function') callback = encoding as Callback;
  // node's implicit header, through whatever writeHead the instance has now.
  if (!capture.committed) this.writeHead(this.statusCode);
  capture.push(toBytes(chunk, encoding));
  if (typeof callback === 'function') process.nextTick(callback);
  return capture.writable();
}

function captureEnd(this: Captured, chunk?: unknown, encoding?: unknown, callback?: Callback): Captured {
  const capture = this[kCapture];
  if (typeof chunk === 'function') {
    callback = chunk as Callback;
    chunk = undefined;
  } else if (typeof encoding === 'function') callback = encoding as Callback;
  if (!capture.ended) {
    const bytes = chunk === undefined || chunk === null ? null : toBytes(chunk, encoding);
    if (!capture.committed) this.writeHead(this.statusCode);
    if (bytes !== null) capture.push(bytes);
    capture.end();
  }
  if (typeof callback === 'function') process.nextTick(callback);
  return this;
}

function captureFlushHeaders(this: Captured): void {
  if (!this[kCapture].committed) this.writeHead(this.statusCode);
}

/** `res.headersSent` below the middleware: true once the host's stack has started its response. */
function capturedHeadersSent(this: Captured): boolean {
  return this[kCapture].committed || realHeadersSent.call(this);
}

/** The host response as the adapter's writer sees it: the methods that were there before the capture. */
function outerResponse(res: ServerResponse, previous: PreviousMethods): ServerResponse {
  return new Proxy(res, {
    get(target, key) {
      switch (key) {
        case 'writeHead':
          return outerWriteHead.bind(target, previous.writeHead);
        case 'write':
          return previous.write.bind(target);
        case 'end':
          return previous.end.bind(target);
        case 'headersSent':
          return realHeadersSent.call(target);
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** node's writeHead refuses `[name, value]` pairs once headers were set one by one: set them one by one. */
function outerWriteHead(this: ServerResponse, writeHead: WriteHead, code: number, reason: string, headers: ResponseHeaders): ServerResponse {
  for (const name of this.getHeaderNames()) this.removeHeader(name);
  for (let i = 0; i < headers.length; i++) this.appendHeader(headers[i]![0], headers[i]![1]);
  return writeHead.call(this, code, reason);
}

interface PreviousMethods {
  writeHead: WriteHead;
  write: ServerResponse['write'];
  end: ServerResponse['end'];
  flushHeaders: ServerResponse['flushHeaders'];
}

/** What the host's stack below wrote to `res`, as a tsgi response. */
export class ResponseCapture implements AsyncIterableIterator<Uint8Array> {
  status = '';
  headers: ResponseHeaders = [];
  committed = false;
  ended = false;
  private closed = false;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private needDrain = false;
  private waiter: (() => void) | null = null;
  private headWaiter: { resolve(): void; reject(error: Error): void } | null = null;
  private readonly previous: PreviousMethods;
  /** The host response with its own methods, for writing the real response. */
  readonly outer: ServerResponse;

  constructor(
    readonly res: ServerResponse,
    private readonly highWaterMark: number,
  ) {
    this.previous = { writeHead: res.writeHead as WriteHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
    this.outer = outerResponse(res, this.previous);
    Object.assign(res, {
      [kCapture]: this,
      writeHead: captureWriteHead,
      write: captureWrite,
      end: captureEnd,
      flushHeaders: captureFlushHeaders,
    });
    Object.defineProperty(res, 'headersSent', { get: capturedHeadersSent, configurable: true });
  }

  /** Puts back the methods the response had: the middleware answers without the host's stack. */
  release(): void {
    const res = this.res;
    Object.assign(res, this.previous);
    delete (res as { headersSent?: boolean }).headersSent;
  }

  /** Status and headers as they stand when the host's stack starts its response. */
  commit(): void {
    const res = this.res;
    this.committed = true;
    // The reason node would have sent (its table knows 418 and a few more than core's).
    const code = res.statusCode;
    this.status = `${code} ${res.statusMessage || STATUS_CODES[code] || (code < 600 ? statusLine(code).slice(4) : 'Unknown')}`;
    // The header list moves to the tsgi side: the writer starts from an empty one.
    this.headers = nodeHeaderList(res, true);
    const waiter = this.headWaiter;
    this.headWaiter = null;
    waiter?.resolve();
  }

  /** Resolves when the host's stack starts its response; rejects if the client leaves first. */
  head(): Promise<void> {
    if (this.committed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.headWaiter = { resolve, reject };
    });
  }

  /** The client left before the host's stack answered. */
  abandon(error: Error): void {
    const waiter = this.headWaiter;
    this.headWaiter = null;
    waiter?.reject(error);
    this.close();
  }

  /** The captured body: an array when the host's stack has already ended it, else this stream. */
  body(): Body {
    if (this.ended && !this.closed) {
      this.closed = true;
      return this.queue.splice(0);
    }
    return this;
  }

  push(chunk: Uint8Array): void {
    if (this.closed || this.ended || chunk.byteLength === 0) return;
    this.queue.push(chunk);
    this.queued += chunk.byteLength;
    this.wakeUp();
  }

  end(): void {
    this.ended = true;
    this.wakeUp();
  }

  /** What `res.write()` returns: false once the queue holds `highWaterMark` bytes. */
  writable(): boolean {
    if (this.queued < this.highWaterMark) return true;
    this.needDrain = true;
    return false;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.queued -= chunk.byteLength;
        if (this.needDrain && this.queued < this.highWaterMark) this.drain();
        return { done: false, value: chunk };
      }
      if (this.ended || this.closed) return DONE;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.close();
    return DONE;
  }

  /** The middleware is done with the body: later writes below are dropped, a waiting pipe is let go. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queued = 0;
    if (this.needDrain) this.drain();
    this.wakeUp();
  }

  private drain(): void {
    this.needDrain = false;
    this.res.emit('drain');
  }

  private wakeUp(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
