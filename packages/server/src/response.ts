/**
 * The gateway's output: what `startResponse`, `write()` and the body the app returns
 * become on a node:http `ServerResponse`. The rules themselves (checks, once-only and
 * excInfo, Content-Length accounting, no-content statuses, the body walk and its one
 * `close()`) are core's `ResponseState` and `BodyWalk`; this file says how bytes leave.
 *
 * - Status and headers are sent with the first non-empty chunk or `write()`, not before.
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
 * const writer = new NodeResponseWriter(req, res, environ, errors, input);
 * writer.respond(app(environ, writer.startResponse));
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import type { ReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  BodyWalk,
  INTERNAL_ERROR,
  ResponseState,
  checkBody,
  isConnectionAbort,
  type Body,
  type Environ,
  type ErrorStream,
  type StartResponse,
  type Write,
} from '@tsgi/core';
import { GatewayConnection } from './client-connection.js';
import { logError } from './errors-stream.js';
import { isFileBody, type FileBody } from './file-wrapper.js';
import { holdUntilClose, type Abortable } from './held-responses.js';
import { DRAIN_LIMIT, type NodeInputStream } from './input.js';

const kWriter = Symbol('tsgi.response_writer');
type TaggedResponse = ServerResponse & { [kWriter]?: NodeResponseWriter };

// Listeners are module functions (`this` is the response), not per-request closures.
function onResponseDrain(this: TaggedResponse): void {
  this[kWriter]?.wakeUp();
}
function onResponseClose(this: TaggedResponse): void {
  // 'close' before 'finish' means the client went away mid-response.
  if (!this.writableFinished) this[kWriter]?.abort();
}
function logRejection(this: NodeResponseWriter, error: unknown): void {
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

/**
 * One response written to a node:http `ServerResponse`: core's `ResponseState` keeps
 * the contract's rules; this class says only how status, headers and bytes leave.
 */
export class NodeResponseWriter extends ResponseState implements Abortable {
  aborted = false;
  finished = false;
  private walk: BodyWalk | null = null;
  private waiter: (() => void) | null = null;
  private writeFn: Write | null = null;
  private watching = false;
  /** The socket's set of held (pipelined) responses this one is in, until it finishes. */
  private held: Set<Abortable> | null = null;
  /** The file a file body is streaming from, to stop when the client leaves. */
  private fileStream: ReadStream | null = null;
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
    super(req.method === 'HEAD');
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    this.start(status, headers, excInfo);
    return (this.writeFn ??= (chunk) => this.write(chunk));
  };

  /**
   * PEP 3333's `write` callable: the first call sends the headers, even with an empty
   * chunk ("upon the application's first invocation of the write() callable"), which
   * is how an app opens a stream before its first event; then the bytes.
   */
  private write(chunk: Uint8Array): void {
    this.checkWrite(chunk);
    if (!this.headersSent) {
      this.commit(-1);
      // node holds a header block until the first body byte; this one must go now.
      if (chunk.byteLength === 0) this.res.flushHeaders();
    }
    if (chunk.byteLength === 0 || !this.bodyAllowed) return;
    this.writeChunk(chunk);
  }

  /** Sends status and headers; `length` >= 0 adds a Content-Length when the app gave none. */
  private commit(length: number): void {
    let headers = this.headers;
    if (this.code === 205) {
      // RFC 9110 15.3.6: no content, and the framing must say so (Content-Length: 0),
      // whatever length the app declared for the content it must not send.
      headers = headers.filter(notContentLength).concat([['Content-Length', '0']]);
    } else if (this.contentLength < 0 && length >= 0 && (length > 0 || this.bodyAllowed)) {
      // A new list: the app may reuse its header array for every request.
      headers = headers.concat([['Content-Length', String(length)]]);
    }
    this.res.writeHead(this.code, this.status!.slice(4), headers);
    this.headersSent = true;
  }

  /** Writes body bytes, never past the app's Content-Length; false once it is exceeded. */
  private writeChunk(chunk: Uint8Array): boolean {
    const n = this.take(chunk.byteLength);
    if (n < chunk.byteLength) {
      if (n > 0) this.res.write(chunk.subarray(0, n));
      return false;
    }
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
    res[kWriter] = this;
    res.on('close', onResponseClose);
    // Pipelined behind a response still going out: node holds this one without a
    // socket, and it would never hear 'close' if the client left. The socket will.
    if (res.socket == null) this.held = holdUntilClose(this.req.socket, this);
  }

  /** Takes what the app returned and sends it. */
  respond(body: Body): void {
    let problem: string | undefined;
    let file = false;
    try {
      problem = checkBody(body);
      if (problem === undefined) {
        this.walk = new BodyWalk(body);
        file = isFileBody(body);
      }
    } catch (error) {
      // A Proxy whose traps throw: looking at it is the app's error, not the server's end.
      if (!this.finished) this.fail(error);
      else logError(this.errors, 'error in application', this.req.method ?? '', this.req.url ?? '', error);
      return;
    }
    if (this.finished) {
      // The client left while the app was still working: nothing to send, but the
      // body it made must still be closed.
      this.closeWalk();
      return;
    }
    if (problem !== undefined) {
      this.fail(new TypeError(`tsgi server: ${problem}`));
      return;
    }
    if (Array.isArray(body) && !this.headersSent) this.respondArray(body as Uint8Array[]);
    else if (file && !this.headersSent) void this.respondFile(body as FileBody);
    else void this.respondStream();
  }

  private respondArray(body: Uint8Array[]): void {
    try {
      let total = 0;
      for (let i = 0; i < body.length; i++) {
        const chunk = body[i]!;
        this.checkChunk(chunk);
        total += chunk.byteLength;
      }
      if (this.status === undefined) throw this.endProblem()!;
      const res = this.res;
      this.keepAliveIfDrainable();
      if (!this.bodyAllowed) {
        this.commit(-1);
        res.end();
      } else {
        // A body that disagrees with its Content-Length costs the connection.
        if (this.contentLength >= 0 && this.contentLength !== total) res.shouldKeepAlive = false;
        this.commit(total);
        if (body.length === 1 && this.contentLength < 0) res.end(body[0]);
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
    this.watchClose();
    try {
      if (this.status === undefined) throw this.endProblem()!;
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
      const declared = this.contentLength;
      if (declared >= 0 && size >= 0 && declared !== size) res.shouldKeepAlive = false;
      this.commit(size);
      const count = Math.min(declared >= 0 ? declared : Infinity, size >= 0 ? size : Infinity, body.length);
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
        this.fileStream = stream;
        await pipeline(stream, res, { end: false });
        this.written = stream.bytesRead;
      }
      // A file shorter than its Content-Length: the client must see the cut.
      if (declared >= 0 && this.written < declared) cut(res);
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

  private async respondStream(): Promise<void> {
    const res = this.res;
    const walk = this.walk!;
    this.watchClose();
    let held: Uint8Array | null = null;
    try {
      const sync = walk.sync;
      for (;;) {
        // No content to send (HEAD, 204, 205, 304), even after write() sent the headers.
        if (this.status !== undefined && !this.bodyAllowed) break;
        let step = walk.next();
        if (!sync) step = await step;
        if (this.aborted) return;
        const { done, value } = step as IteratorResult<Uint8Array>;
        if (done === true) break;
        this.checkChunk(value);
        if (value.byteLength === 0) continue;
        if (!this.headersSent) {
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
            const first = held;
            held = null;
            if (!this.writeChunk(first)) break;
          }
        }
        if (!this.writeChunk(value)) break;
        if (res.writableNeedDrain) {
          await this.drained();
          if (this.aborted) return;
        }
      }
      if (this.status === undefined) throw this.endProblem()!;
      if (this.overflow) {
        logError(this.errors, 'body longer than its Content-Length, truncated', this.req.method ?? '', this.req.url ?? '', this.contentLength);
      }
      // HEAD, no-body statuses and a body cut at its Content-Length end here.
      this.stopWalk();
      this.endStream(held);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.finish();
  }

  private endStream(held: Uint8Array | null): void {
    const res = this.res;
    if (!this.headersSent) {
      this.keepAliveIfDrainable();
      const declared = this.contentLength;
      const length = held === null ? 0 : held.byteLength;
      if (declared >= 0 && declared !== length && this.bodyAllowed) res.shouldKeepAlive = false;
      this.commit(length);
      if (held !== null && this.bodyAllowed) {
        if (declared < 0) res.end(held);
        else {
          this.writeChunk(held);
          res.end();
        }
      } else res.end();
      return;
    }
    const socket = res.socket;
    if (this.contentLength > this.written && this.bodyAllowed) {
      // Fewer bytes than promised: only a cut connection tells the client.
      cut(res);
      return;
    }
    res.end();
    if (this.overflow || (this.input !== null && !this.input.discard())) socket?.destroySoon();
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
    // A held response's pipeline waits on a socket it will never get: end it here.
    this.fileStream?.destroy();
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
    if (res.writableEnded && !this.headersSent) {
      this.finish();
      return;
    }
    // When the client is gone there is nobody to answer.
    if (!this.aborted) {
      const dropped = isConnectionAbort(error);
      if (!dropped) logError(this.errors, 'error in application', this.req.method ?? '', this.req.url ?? '', error);
      if (dropped || this.headersSent || res.headersSent) cut(res);
      else {
        try {
          this.keepAliveIfDrainable();
          res.writeHead(500, INTERNAL_ERROR.status.slice(4), INTERNAL_ERROR.headers());
          res.end(INTERNAL_ERROR.body);
        } catch {
          res.destroy();
        }
      }
    }
    this.finish();
  }

  /** Ends the body's iteration early (HEAD, no content, a cut at Content-Length). */
  private stopWalk(): void {
    try {
      const result = this.walk?.stop();
      if (result instanceof Promise) result.catch(logRejection.bind(this));
    } catch (error) {
      logRejection.call(this, error);
    }
  }

  /** Ends the iteration if it is still open and closes the body: exactly once. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.held?.delete(this);
    this.closeWalk();
  }

  private closeWalk(): void {
    try {
      const result = this.walk?.close();
      if (result instanceof Promise) result.catch(logRejection.bind(this));
    } catch (error) {
      logRejection.call(this, error);
    }
  }
}
