/**
 * The host response's methods while a tsgi middleware sits above the host's stack:
 * `writeHead`, `write`, `end`, `flushHeaders` and `headersSent`, patched on the
 * instance (as `compression` and `on-headers` patch it), report to a
 * {@link CaptureSink} instead of the socket; node's implicit header goes through
 * whatever `writeHead` the instance has, and strings become bytes in the encoding
 * given. {@link outerResponse} is the same response with the methods that were there
 * before, for the writer of the real response.
 *
 * Captures stack: a second adapter layer below the first (`app.use(toConnect(a));
 * app.use(toConnect(b))`) patches on top of the first one's methods, and each depth
 * has its own methods reporting to its own sink, so what the second layer writes
 * with the methods it found reaches the first layer's capture, not its own.
 *
 * @example
 * const previous = patchResponse(res, sink);
 * const outer = outerResponse(res, previous); // writes to the client
 * restoreResponse(res, sink, previous);
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
  /** The instance's own `headersSent` (an outer capture's), if it had one. */
  headersSent: PropertyDescriptor | undefined;
}

/**
 * The captures on one response, outermost first: each layer of adapters the request
 * passed (two `app.use(toConnect(...))`) has one, and the patched methods at depth
 * `d` report to the `d`th, whoever calls them (the layer below's writer, or a host
 * middleware's own patch between the two layers that saved them).
 */
const kSinks = Symbol('tsgi.capture.sinks');
type Captured = ServerResponse & { [kSinks]: CaptureSink[] };
type Callback = (error?: Error | null) => void;
export type WriteHead = (code: number, reason?: unknown, headers?: unknown) => ServerResponse;

const realHeadersSent = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(ServerResponse.prototype), 'headersSent')!.get!;

function toBytes(chunk: unknown, encoding: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, (encoding as BufferEncoding | undefined) ?? 'utf8');
  throw new TypeError(`tsgi adapter: res.write() takes a string or Uint8Array, got ${chunk === null ? 'null' : typeof chunk}`);
}

/** `res.writeHead` below the middleware: applies status and headers as node would, then captures them. */
function captureWriteHead(res: Captured, capture: CaptureSink, code: number, reason?: unknown, headers?: unknown): Captured {
  if (capture.committed) return res;
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw new RangeError(`tsgi adapter: invalid status code ${String(code)} passed to res.writeHead()`);
  }
  res.statusCode = code;
  if (typeof reason === 'string') res.statusMessage = reason;
  else headers = reason;
  if (Array.isArray(headers)) {
    // node takes [[name, value], ...] or [name, value, name, value, ...]
    const flat: unknown[] = Array.isArray(headers[0]) ? (headers as unknown[][]).flat() : headers;
    for (let i = 0; i < flat.length; i += 2) res.removeHeader(String(flat[i]));
    for (let i = 0; i < flat.length; i += 2) res.appendHeader(String(flat[i]), flat[i + 1] as string);
  } else if (headers !== null && typeof headers === 'object') {
    for (const name in headers as OutgoingHttpHeaders) {
      const value = (headers as OutgoingHttpHeaders)[name];
      if (value !== undefined) res.setHeader(name, value);
    }
  }
  capture.commit();
  return res;
}

/**
 * node's implicit header: through whatever writeHead the instance has now (a host
 * middleware below may have wrapped it, as on-headers does), unless a deeper capture
 * sits on top, which would take it for its own.
 */
function implicitHeader(res: Captured, capture: CaptureSink, depth: number): void {
  if (capture.committed) return;
  if (res[kSinks].length - 1 === depth) res.writeHead(res.statusCode);
  else captureWriteHead(res, capture, res.statusCode);
}

function captureWrite(res: Captured, depth: number, chunk: unknown, encoding?: unknown, callback?: Callback): boolean {
  const capture = res[kSinks][depth]!;
  if (typeof encoding === 'function') callback = encoding as Callback;
  implicitHeader(res, capture, depth);
  capture.push(toBytes(chunk, encoding));
  if (typeof callback === 'function') process.nextTick(callback);
  return capture.writable();
}

function captureEnd(res: Captured, depth: number, chunk?: unknown, encoding?: unknown, callback?: Callback): Captured {
  const capture = res[kSinks][depth]!;
  if (typeof chunk === 'function') {
    callback = chunk as Callback;
    chunk = undefined;
  } else if (typeof encoding === 'function') callback = encoding as Callback;
  if (!capture.ended) {
    const bytes = chunk === undefined || chunk === null ? null : toBytes(chunk, encoding);
    implicitHeader(res, capture, depth);
    if (bytes !== null) capture.push(bytes);
    capture.end();
  }
  if (typeof callback === 'function') process.nextTick(callback);
  return res;
}

/** The methods patched on at one depth. */
interface Patched {
  writeHead: WriteHead;
  write: ServerResponse['write'];
  end: ServerResponse['end'];
  flushHeaders: ServerResponse['flushHeaders'];
  /** `res.headersSent` below the middleware: true once the host's stack has started its response. */
  headersSent: PropertyDescriptor;
}

/** One set of methods per depth, made the first time a response is captured that deep: no per-request closures. */
const PATCHED: Patched[] = [];

function patchedAt(depth: number): Patched {
  return (PATCHED[depth] ??= {
    writeHead: function capturedWriteHead(this: Captured, code: number, reason?: unknown, headers?: unknown) {
      return captureWriteHead(this, this[kSinks][depth]!, code, reason, headers);
    },
    write: function capturedWrite(this: Captured, chunk: unknown, encoding?: unknown, callback?: Callback) {
      return captureWrite(this, depth, chunk, encoding, callback);
    } as ServerResponse['write'],
    end: function capturedEnd(this: Captured, chunk?: unknown, encoding?: unknown, callback?: Callback) {
      return captureEnd(this, depth, chunk, encoding, callback);
    } as ServerResponse['end'],
    flushHeaders: function capturedFlushHeaders(this: Captured) {
      implicitHeader(this, this[kSinks][depth]!, depth);
    },
    headersSent: {
      get: function capturedHeadersSent(this: Captured) {
        return this[kSinks][depth]!.committed || realHeadersSent.call(this);
      },
      configurable: true,
    },
  });
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
      case 'flushHeaders':
        return target[kPrevious].flushHeaders.bind(target);
      case 'headersSent':
        return realHeadersSent.call(target);
    }
    const value: unknown = Reflect.get(target, key, target);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
};

/**
 * The host response as the writer of the real response sees it: the methods that
 * were there before the capture. For the outermost capture only (one per response:
 * the previous methods are kept on it); a capture on top of another writes through
 * a `LayerResponse` (layer-response.ts).
 */
export function outerResponse(res: ServerResponse, previous: PreviousMethods): ServerResponse {
  (res as Outer)[kPrevious] = previous;
  return new Proxy(res as Outer, OUTER);
}

/** node's writeHead refuses `[name, value]` pairs once headers were set one by one: set them one by one. */
export function outerWriteHead(this: ServerResponse, writeHead: WriteHead, code: number, reason: string, headers: ResponseHeaders): ServerResponse {
  for (const name of this.getHeaderNames()) this.removeHeader(name);
  for (let i = 0; i < headers.length; i++) this.appendHeader(headers[i]![0], headers[i]![1]);
  return writeHead.call(this, code, reason);
}

/** Patches `res` to report to `sink`, on top of any capture already there; returns what it had. */
export function patchResponse(res: ServerResponse, sink: CaptureSink): PreviousMethods {
  const captured = res as Captured;
  const previous: PreviousMethods = {
    writeHead: res.writeHead as WriteHead,
    write: res.write,
    end: res.end,
    flushHeaders: res.flushHeaders,
    headersSent: Object.getOwnPropertyDescriptor(res, 'headersSent'),
  };
  const sinks = (captured[kSinks] ??= []);
  const patched = patchedAt(sinks.length);
  sinks.push(sink);
  res.writeHead = patched.writeHead as ServerResponse['writeHead'];
  res.write = patched.write;
  res.end = patched.end;
  res.flushHeaders = patched.flushHeaders;
  Object.defineProperty(res, 'headersSent', patched.headersSent);
  return previous;
}

/** The capture `sink` was patched on top of (the layer above's), if any. */
export function captureBelow<S extends CaptureSink>(res: ServerResponse, sink: S): S | undefined {
  const sinks = (res as Captured)[kSinks];
  const depth = sinks === undefined ? -1 : sinks.indexOf(sink);
  return depth > 0 ? (sinks[depth - 1] as S) : undefined;
}

/** Puts back what `patchResponse` replaced (the innermost capture only: the host's stack below never ran). */
export function restoreResponse(res: ServerResponse, sink: CaptureSink, previous: PreviousMethods): void {
  const sinks = (res as Captured)[kSinks];
  if (sinks[sinks.length - 1] !== sink) throw new Error('tsgi adapter: a capture was released under another one; release the innermost first');
  sinks.pop();
  res.writeHead = previous.writeHead as ServerResponse['writeHead'];
  res.write = previous.write;
  res.end = previous.end;
  res.flushHeaders = previous.flushHeaders;
  if (previous.headersSent === undefined) delete (res as { headersSent?: boolean }).headersSent;
  else Object.defineProperty(res, 'headersSent', previous.headersSent);
}
