/**
 * The response side of the gateway: `startResponse`, the `write` callable, and
 * writing the body the app returns to a node:http `ServerResponse`.
 *
 * - Status and headers are checked when `startResponse` is called (core's
 *   `checkStatus`/`checkHeaders`) and sent with the first non-empty chunk, not before.
 * - An array body (or a sync body of one chunk) is the fast path: a Content-Length
 *   and one `res.end()`. Anything else streams, chunked on HTTP/1.1 and
 *   close-delimited on HTTP/1.0, pulling the next chunk only while the socket is
 *   not full; a sync iterable is walked without an `await` per chunk.
 * - The app's Content-Length is the most that is sent; a body that disagrees with
 *   it costs the connection. HEAD and 204/304/1xx send headers only.
 * - An error before the headers are out is a 500; after, the connection is cut.
 *   Either way it is logged to `wsgi.errors` and the server keeps serving.
 * - However it ends (done, HEAD, error, client gone) the iterator is ended
 *   (`return()`, so `finally` blocks run) and `body.close()` is called once.
 *
 * @example
 * const exchange = new Exchange(req, res, environ, errors, input);
 * exchange.respond(app(environ, exchange.startResponse));
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  checkBody,
  checkHeader,
  checkHeaders,
  checkStatus,
  isConnectionAbort,
  statusCode,
  type Body,
  type Environ,
  type ErrorStream,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';
import { GatewayConnection } from './client-connection.js';
import { logError } from './errors-stream.js';
import { isFileBody, type FileBody } from './file-wrapper.js';
import { DRAIN_LIMIT, type NodeInputStream } from './input.js';

const kExchange = Symbol('tsgi.exchange');
type TaggedResponse = ServerResponse & { [kExchange]?: Exchange };
type AnyIterator = Iterator<Uint8Array> | AsyncIterator<Uint8Array>;

const ERROR_TEXT = Buffer.from('Internal Server Error\n');
const ERROR_HEADERS: ResponseHeaders = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['Content-Length', String(ERROR_TEXT.byteLength)],
];
const DIGITS = /^\d+$/;

// Listeners are module functions (`this` is the response), not per-request closures.
function onResponseDrain(this: TaggedResponse): void {
  this[kExchange]?.wakeUp();
}
function onResponseClose(this: TaggedResponse): void {
  // 'close' before 'finish' means the client went away mid-response.
  if (!this.writableFinished) this[kExchange]?.abort();
}
function logRejection(this: Exchange, error: unknown): void {
  logError(this.errors, 'error while closing the response body', this.req.method ?? '', this.req.url ?? '', error);
}

/**
 * Cuts the connection after what was written so far: node corks the socket for a
 * tick after a write, and destroying it corked would drop those bytes.
 */
function cut(res: ServerResponse): void {
  const socket = res.socket;
  if (socket) while (socket.writableCorked) socket.uncork();
  res.destroy();
}

function notContentLength(pair: [string, string]): boolean {
  return pair[0].length !== 14 || pair[0].toLowerCase() !== 'content-length';
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** One request/response pair: the state `startResponse`, `write` and the body writer share. */
export class Exchange {
  status: string | undefined = undefined;
  /** The status code of `status`, read once. */
  code = 0;
  headers: ResponseHeaders = ERROR_HEADERS;
  /** The app's Content-Length header, found while its headers were checked. */
  declaredLength: string | undefined = undefined;
  /** Status and headers handed to node (`writeHead`). */
  sent = false;
  /** Most body bytes that may go out: the app's Content-Length, or -1. */
  limit = -1;
  written = 0;
  aborted = false;
  finished = false;
  private readonly head: boolean;
  private body: Body | null = null;
  private iterator: AnyIterator | null = null;
  private waiter: (() => void) | null = null;
  private writeFn: Write | null = null;
  private watching = false;
  /** `environ['tsgi.connection']`: told when the client leaves early. */
  readonly connection = new GatewayConnection();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly environ: Environ,
    readonly errors: ErrorStream,
    /** The request body as the gateway made it (middleware may replace `wsgi.input`). */
    readonly input: NodeInputStream | null,
  ) {
    // The real method: middleware may rewrite REQUEST_METHOD, but HEAD is HEAD on the wire.
    this.head = req.method === 'HEAD';
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    if (excInfo !== undefined && excInfo !== null) {
      // PEP 3333: too late to change anything once headers are out; re-raise.
      if (this.sent) throw excInfo;
    } else if (this.status !== undefined) {
      throw new Error('tsgi server: startResponse() was called a second time without excInfo');
    }
    const problem = checkStatus(status) ?? (Array.isArray(headers) ? undefined : checkHeaders(headers));
    if (problem !== undefined) throw new TypeError(`tsgi server: ${problem}`);
    // One pass: each header is checked, and Content-Length noted for the writer.
    let declaredLength: string | undefined;
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i]!;
      const bad = checkHeader(pair);
      if (bad !== undefined) throw new TypeError(`tsgi server: ${bad}`);
      if (pair[0].length === 14 && pair[0].toLowerCase() === 'content-length') declaredLength ??= pair[1];
    }
    this.status = status;
    this.code = statusCode(status);
    this.headers = headers;
    this.declaredLength = declaredLength;
    return (this.writeFn ??= (chunk) => this.write(chunk));
  };

  /**
   * PEP 3333's `write` callable: the first call sends the headers, even with an empty
   * chunk ("upon the application's first invocation of the write() callable"), which
   * is how an app opens a stream before its first event; then the bytes.
   */
  private write(chunk: Uint8Array): void {
    if (this.status === undefined) throw new Error('tsgi server: write() called before startResponse()');
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`tsgi server: write() takes a Uint8Array, got ${describe(chunk)}`);
    if (!this.sent) {
      this.commit(-1);
      // node holds a header block until the first body byte; this one must go now.
      if (chunk.byteLength === 0) this.res.flushHeaders();
    }
    if (chunk.byteLength === 0 || !this.bodyAllowed) return;
    this.writeChunk(chunk);
  }

  /** 1xx, 204, 205 and 304 have no content (RFC 9110 15.2, 15.3.5, 15.3.6, 15.4.5), nor has HEAD. */
  private get bodyAllowed(): boolean {
    const code = this.code;
    return !this.head && code !== 204 && code !== 205 && code !== 304 && code >= 200;
  }

  /** Sends status and headers; `length` >= 0 adds a Content-Length when the app gave none. */
  private commit(length: number): void {
    const status = this.status!;
    let headers = this.headers;
    const declared = this.declaredLength;
    if (this.code === 205) {
      // RFC 9110 15.3.6: no content, and the framing must say so (Content-Length: 0),
      // whatever length the app declared for the content it must not send.
      headers = headers.filter(notContentLength).concat([['Content-Length', '0']]);
      this.limit = 0;
    } else if (declared !== undefined) {
      if (!DIGITS.test(declared)) throw new TypeError(`tsgi server: Content-Length must be digits, got ${JSON.stringify(declared)}`);
      this.limit = Number(declared);
    } else if (length >= 0 && (length > 0 || this.bodyAllowed)) {
      // A new list: the app may reuse its header array for every request.
      headers = headers.concat([['Content-Length', String(length)]]);
    }
    this.res.writeHead(this.code, status.slice(4), headers);
    this.sent = true;
  }

  /** Writes body bytes, never past the app's Content-Length; false once it is exceeded. */
  private writeChunk(chunk: Uint8Array): boolean {
    if (this.limit >= 0) {
      const room = this.limit - this.written;
      if (chunk.byteLength > room) {
        if (room > 0) this.res.write(chunk.subarray(0, room));
        this.written = this.limit;
        return false;
      }
    }
    this.written += chunk.byteLength;
    this.res.write(chunk);
    return true;
  }

  /**
   * Watches for the client going away from now on (node's 'close' on the response
   * before 'finish'), to tell `connection`, stop the body and close it. Only for
   * responses that outlive the app's call: a sync array body is done before.
   */
  watchClose(): void {
    if (this.watching) return;
    this.watching = true;
    const res = this.res as TaggedResponse;
    res[kExchange] = this;
    res.on('close', onResponseClose);
  }

  /** Takes what the app returned and sends it. */
  respond(body: Body): void {
    if (this.finished) {
      // The client left while the app was still working: nothing to send, but the
      // body it made must still be closed.
      if (body !== null && typeof body === 'object') {
        this.body = body;
        this.closeBody();
      }
      return;
    }
    const problem = checkBody(body);
    if (problem !== undefined) {
      this.fail(new TypeError(`tsgi server: ${problem}`));
      return;
    }
    this.body = body;
    if (Array.isArray(body) && !this.sent) this.respondArray(body as Uint8Array[]);
    else if (isFileBody(body) && !this.sent) void this.respondFile(body);
    else void this.respondStream(body);
  }

  private respondArray(body: Uint8Array[]): void {
    try {
      if (this.status === undefined) throw new Error('tsgi server: the app returned a body without calling startResponse()');
      let total = 0;
      for (let i = 0; i < body.length; i++) {
        const chunk = body[i];
        if (!(chunk instanceof Uint8Array)) throw new TypeError(`tsgi server: body chunks must be Uint8Array, got ${describe(chunk)}`);
        total += chunk.byteLength;
      }
      const res = this.res;
      this.keepAliveIfDrainable();
      if (!this.bodyAllowed) {
        this.commit(-1);
        res.end();
      } else {
        const declared = this.declaredLength;
        // A body that disagrees with its Content-Length costs the connection.
        if (declared !== undefined && Number(declared) !== total) res.shouldKeepAlive = false;
        this.commit(total);
        if (body.length === 1 && this.limit < 0) res.end(body[0]);
        else {
          res.cork();
          for (let i = 0; i < body.length && this.writeChunk(body[i]!); i++);
          res.end();
          res.uncork();
        }
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    this.finish();
  }

  private async respondFile(body: FileBody): Promise<void> {
    const res = this.res;
    try {
      if (this.status === undefined) throw new Error('tsgi server: the app returned a body without calling startResponse()');
      this.keepAliveIfDrainable();
      if (!this.bodyAllowed) {
        this.commit(-1);
        res.end();
        this.finish();
        return;
      }
      const handle = await body.open();
      // -1 when unknown: a handle read from its current position, or not a regular file.
      const size = await body.byteLength(handle);
      const declared = this.declaredLength;
      if (declared !== undefined && size >= 0 && Number(declared) !== size) res.shouldKeepAlive = false;
      this.commit(size);
      const count = Math.min(this.limit >= 0 ? this.limit : Infinity, size >= 0 ? size : Infinity, body.length);
      if (count !== 0) {
        // No start: node reads from the handle's current position, and `end` then
        // counts from there.
        const start = body.offset;
        const stream = handle.createReadStream({
          start,
          end: count === Infinity ? undefined : (start ?? 0) + count - 1,
          highWaterMark: body.blockSize,
          autoClose: false,
        });
        await pipeline(stream, res, { end: false });
        this.written = stream.bytesRead;
      }
      // A file shorter than its Content-Length: the client must see the cut.
      if (this.limit >= 0 && this.written < this.limit) cut(res);
      else res.end();
    } catch (error) {
      if (this.aborted || res.destroyed) {
        this.finish();
        return;
      }
      this.fail(error);
      return;
    }
    this.finish();
  }

  private async respondStream(body: Body): Promise<void> {
    const res = this.res;
    this.watchClose();
    let held: Uint8Array | null = null;
    let overflow = false;
    try {
      let sync = true;
      let iterator: AnyIterator;
      if (typeof (body as Iterable<Uint8Array>)[Symbol.iterator] === 'function') {
        iterator = (body as Iterable<Uint8Array>)[Symbol.iterator]();
      } else if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
        iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
        sync = false;
      } else {
        throw new TypeError(`tsgi server: the app must return an iterable of Uint8Array, got ${describe(body)}`);
      }
      this.iterator = iterator;
      for (;;) {
        // No content to send (HEAD, 204, 205, 304), even after write() sent the headers.
        if (this.status !== undefined && !this.bodyAllowed) break;
        let step = iterator.next() as IteratorResult<Uint8Array> | Promise<IteratorResult<Uint8Array>>;
        if (!sync) step = await step;
        if (this.aborted) return;
        const { done, value } = step as IteratorResult<Uint8Array>;
        if (done) {
          this.iterator = null;
          break;
        }
        if (!(value instanceof Uint8Array)) throw new TypeError(`tsgi server: body chunks must be Uint8Array, got ${describe(value)}`);
        if (value.byteLength === 0) continue;
        if (!this.sent) {
          if (this.status === undefined) throw new Error('tsgi server: the body yielded bytes before startResponse() was called');
          if (!this.bodyAllowed) break;
          // Hold the first chunk of a sync body one step: if it is the only one, it
          // goes out with a Content-Length in one write. (An async body may pause
          // for long between chunks, so its first chunk goes out at once.)
          if (sync && held === null) {
            held = value;
            continue;
          }
          this.commit(-1);
          if (held !== null) {
            overflow = !this.writeChunk(held);
            held = null;
          }
        }
        if (overflow || !this.writeChunk(value)) {
          overflow = true;
          break;
        }
        if (res.writableNeedDrain) {
          await this.drained();
          if (this.aborted) return;
        }
      }
      if (this.status === undefined) throw new Error('tsgi server: the app returned a body without calling startResponse()');
      if (overflow) {
        logError(this.errors, 'body longer than its Content-Length, truncated', this.req.method ?? '', this.req.url ?? '', this.limit);
        this.stopIterator();
      } else if (!this.sent || !this.bodyAllowed) this.stopIterator(); // HEAD and no-body statuses end here
      this.endStream(held, overflow);
    } catch (error) {
      this.iterator = null; // it threw, so it is finished
      this.fail(error);
      return;
    }
    this.finish();
  }

  private endStream(held: Uint8Array | null, overflow: boolean): void {
    const res = this.res;
    if (!this.sent) {
      this.keepAliveIfDrainable();
      const declared = this.declaredLength;
      const length = held === null ? 0 : held.byteLength;
      if (declared !== undefined && Number(declared) !== length && this.bodyAllowed) res.shouldKeepAlive = false;
      this.commit(length);
      if (held !== null && this.bodyAllowed) {
        if (this.limit < 0) res.end(held);
        else {
          this.writeChunk(held);
          res.end();
        }
      } else res.end();
      return;
    }
    const socket = res.socket;
    if (this.limit >= 0 && this.written < this.limit && this.bodyAllowed) {
      // Fewer bytes than promised: only a cut connection tells the client.
      cut(res);
      return;
    }
    res.end();
    if (overflow || (this.input !== null && !this.input.discard())) socket?.destroySoon();
  }

  /** Before headers of a complete response: keep the connection only if the unread request body is small. */
  private keepAliveIfDrainable(): void {
    const input = this.input;
    if (input === null) return;
    if (input.remaining > DRAIN_LIMIT) this.res.shouldKeepAlive = false;
    else input.discard();
  }

  private drained(): Promise<void> {
    const res = this.res;
    res.once('drain', onResponseDrain);
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }

  wakeUp(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** The client went away: stop the body now (its `finally` runs) and close it. */
  abort(): void {
    if (this.finished) return;
    this.aborted = true;
    try {
      this.connection.close();
    } catch (error) {
      logError(this.errors, 'error in a tsgi.connection onClose listener', this.req.method ?? '', this.req.url ?? '', error);
    }
    this.wakeUp();
    this.finish();
  }

  /**
   * Logs an error and answers 500, or cuts the connection if headers are already out.
   * A `ConnectionAbort` is the app asking for the connection to be dropped: cut, no log.
   */
  fail(error: unknown): void {
    const res = this.res;
    // Already answered by the gateway (a limit refused the request): nothing to add.
    if (res.writableEnded && !this.sent) {
      this.finish();
      return;
    }
    // When the client is gone there is nobody to answer.
    if (!this.aborted) {
      const dropped = isConnectionAbort(error);
      if (!dropped) logError(this.errors, 'error in application', this.req.method ?? '', this.req.url ?? '', error);
      if (dropped || this.sent || res.headersSent) cut(res);
      else {
        try {
          this.keepAliveIfDrainable();
          res.writeHead(500, 'Internal Server Error', ERROR_HEADERS);
          res.end(ERROR_TEXT);
        } catch {
          res.destroy();
        }
      }
    }
    this.finish();
  }

  private stopIterator(): void {
    const iterator = this.iterator;
    this.iterator = null;
    if (iterator === null || typeof iterator.return !== 'function') return;
    try {
      const result = iterator.return();
      if (result instanceof Promise) result.catch(logRejection.bind(this));
    } catch (error) {
      logRejection.call(this, error);
    }
  }

  /** Ends the iterator if it is still open and closes the body: exactly once. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.iterator !== null) this.stopIterator();
    this.closeBody();
  }

  private closeBody(): void {
    const body = this.body;
    if (body === null || typeof body.close !== 'function') return;
    try {
      const result = body.close();
      if (result instanceof Promise) result.catch(logRejection.bind(this));
    } catch (error) {
      logRejection.call(this, error);
    }
  }
}
