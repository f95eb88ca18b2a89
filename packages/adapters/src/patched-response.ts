/**
 * The host response's methods while a tsgi middleware sits above the host's stack:
 * `writeHead`, `write`, `end`, `flushHeaders` and `headersSent`, patched on the
 * instance (as `compression` and `on-headers` patch it), report to a
 * {@link CaptureSink} instead of the socket; node's implicit header goes through
 * whatever `writeHead` the instance has, and strings become bytes in the encoding
 * given. {@link outerResponse} is the same response with the methods that were there
 * before, for the writer of the real response.
 *
 * @example
 * const previous = patchResponse(res, sink);
 * const outer = outerResponse(res, previous); // writes to the client
 * restoreResponse(res, previous);
 *
 * @see https://nodejs.org/api/http.html#class-httpserverresponse
 * @module
 */
import { ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import type { ResponseHeaders } from '@tsgi/core';

/** Where the patched methods report. */
export interface CaptureSink {
  readonly committed: boolean;
  readonly ended: boolean;
  /** Status and headers are final (`res.statusCode`, `statusMessage` and its header list). */
  commit(): void;
  push(chunk: Uint8Array): void;
  end(): void;
  /** What `res.write()` returns. */
  writable(): boolean;
}

/** The methods the response had before the capture. */
export interface PreviousMethods {
  writeHead: WriteHead;
  write: ServerResponse['write'];
  end: ServerResponse['end'];
  flushHeaders: ServerResponse['flushHeaders'];
}

const kCapture = Symbol('tsgi.capture');
type Captured = ServerResponse & { [kCapture]: CaptureSink };
type Callback = (error?: Error | null) => void;
export type WriteHead = (code: number, reason?: unknown, headers?: unknown) => ServerResponse;

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

const kPrevious = Symbol('tsgi.capture.previous');
type Outer = ServerResponse & { [kPrevious]: PreviousMethods };

/** One handler for every outer response: the previous methods, bound to the real response. */
const OUTER: ProxyHandler<Outer> = {
  get(target, key) {
    switch (key) {
      case 'writeHead':
        return outerWriteHead.bind(target, target[kPrevious].writeHead);
      case 'write':
        return target[kPrevious].write.bind(target);
      case 'end':
        return target[kPrevious].end.bind(target);
      case 'headersSent':
        return realHeadersSent.call(target);
    }
    const value: unknown = Reflect.get(target, key, target);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
};

/** The host response as the writer of the real response sees it: the methods that were there before the capture. */
export function outerResponse(res: ServerResponse, previous: PreviousMethods): ServerResponse {
  (res as Outer)[kPrevious] = previous;
  return new Proxy(res as Outer, OUTER);
}

/** node's writeHead refuses `[name, value]` pairs once headers were set one by one: set them one by one. */
function outerWriteHead(this: ServerResponse, writeHead: WriteHead, code: number, reason: string, headers: ResponseHeaders): ServerResponse {
  for (const name of this.getHeaderNames()) this.removeHeader(name);
  for (let i = 0; i < headers.length; i++) this.appendHeader(headers[i]![0], headers[i]![1]);
  return writeHead.call(this, code, reason);
}

/** Patches `res` to report to `sink`; returns what it had. */
export function patchResponse(res: ServerResponse, sink: CaptureSink): PreviousMethods {
  const previous = { writeHead: res.writeHead as WriteHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  Object.assign(res, {
    [kCapture]: sink,
    writeHead: captureWriteHead,
    write: captureWrite,
    end: captureEnd,
    flushHeaders: captureFlushHeaders,
  });
  Object.defineProperty(res, 'headersSent', { get: capturedHeadersSent, configurable: true });
  return previous;
}

/** Puts back what `patchResponse` replaced. */
export function restoreResponse(res: ServerResponse, previous: PreviousMethods): void {
  Object.assign(res, previous);
  delete (res as { headersSent?: boolean }).headersSent;
}
