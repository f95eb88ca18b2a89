/**
 * The "socket" under a `fromNodeListener` request: a Writable that node's own
 * `ServerResponse` writes to as it would to a TCP socket, and the response body the
 * tsgi gateway pulls from it. Node frames nothing here (chunked encoding is off, the
 * header block is skipped), so what arrives is the body bytes, passed on without a
 * copy. Backpressure runs both ways: once `highWaterMark` bytes wait for the gateway,
 * the socket stops acknowledging writes, so `res.write()` returns false, and `drain`
 * follows when the gateway has pulled them.
 *
 * @example
 * const socket = new ListenerSocket(environ, 16384);
 * res.assignSocket(socket);
 * return new ListenerBody(socket);
 *
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @module
 */
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { ConnectionAbort, type Environ } from '@tsgi/core';

type Callback = (error?: Error | null) => void;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** node:http keeps an 'error' listener on every socket (its socketOnError); so do we. */
function ignoreError(): void {}

function emitClose(socket: ListenerSocket): void {
  socket.emit('close');
}

export class ListenerSocket extends Writable {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  readonly encrypted: boolean;
  /** Set by `res.assignSocket()`; read by node:http. */
  _httpMessage: ServerResponse | null = null;
  /** Characters of `res._header` still to drop from the front of the next writes. */
  headerChars = 0;
  /** The headers are committed; bytes written before are interim (1xx) responses. */
  committed = false;
  /** The response ended (`'finish'`): once the queue is empty, the body is done. */
  ended = false;
  failure: Error | undefined;
  /** Body bytes written by the listener and not yet pulled by the gateway. */
  queue: Uint8Array[] = [];
  private head = 0;
  private queued = 0;
  private held: Callback | null = null;
  private waiting: { resolve(step: IteratorResult<Uint8Array>): void; reject(error: unknown): void } | null = null;
  private readonly limit: number;

  constructor(environ: Environ, highWaterMark: number) {
    // 'close' is emitted by hand, a turn after destroy() as a TCP socket's comes once
    // its handle is closed, so the listener sees events in node:http's order.
    super({ decodeStrings: false, highWaterMark, emitClose: false });
    this.limit = highWaterMark;
    this.remoteAddress = environ.REMOTE_ADDR || undefined;
    this.remotePort = environ.REMOTE_PORT ? Number(environ.REMOTE_PORT) : undefined;
    this.localAddress = environ.SERVER_NAME || undefined;
    this.localPort = environ.SERVER_PORT ? Number(environ.SERVER_PORT) : undefined;
    this.encrypted = environ['wsgi.url_scheme'] === 'https';
    this.on('error', ignoreError);
  }

  // Read-side fields as a TCP socket has them. Nothing is read from here, but
  // IncomingMessage sizes its buffer by the mark, and on-finished (Express's body
  // parsers) takes a request on an unreadable socket to be over already.
  readonly readableHighWaterMark = 16_384;
  readonly readable = true;

  override _write(chunk: string | Uint8Array, encoding: BufferEncoding, callback: Callback): void {
    // writeContinue(), writeProcessing(), writeEarlyHints(): the gateway sends
    // 100 Continue itself when the app reads wsgi.input; the rest has no PEP 3333 form.
    if (!this.committed) return callback();
    if (typeof chunk === 'string') {
      // node:http sends its header block as a string, alone or in front of the first
      // string chunk; the gateway has it already as startResponse's arguments.
      if (this.headerChars > 0) {
        const skip = Math.min(this.headerChars, chunk.length);
        this.headerChars -= skip;
        chunk = chunk.slice(skip);
      }
      if (chunk.length === 0) return callback();
      chunk = Buffer.from(chunk, encoding);
    }
    if (chunk.byteLength === 0) return callback();
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      waiting.resolve({ done: false, value: chunk });
      return callback();
    }
    this.queue.push(chunk);
    this.queued += chunk.byteLength;
    // Acknowledge at once while under the mark; past it, hold the callback so the
    // Writable (and so res.write) reports backpressure until the gateway catches up.
    if (this.queued < this.limit) callback();
    else this.held = callback;
  }

  override _destroy(error: Error | null, callback: Callback): void {
    if (this.failure === undefined && !this.ended) {
      // Not `abandon()`: the listener itself destroyed the connection (socket.destroy(),
      // res.destroy(), req.destroy()), which node:http answers with nothing at all.
      const message = 'fromNodeListener: the listener destroyed the connection before its response ended';
      this.fail(new ConnectionAbort(message, error === null ? undefined : { cause: error }));
    }
    // As on a TCP socket, the listener's own 'error' listeners see the error.
    callback(error);
    setImmediate(emitClose, this);
  }

  /**
   * Ends the exchange from the gateway's side (the client left, a timeout, a refused
   * header, the body closed early): `failure` is what the body and the Application
   * report, and no 'error' event reaches the listener.
   */
  abandon(failure: Error): void {
    this.fail(failure);
    this.destroy();
  }

  /** The listener has ended the response. */
  finish(): void {
    this.ended = true;
    this.settle();
  }

  fail(error: Error): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    this.settle();
  }

  /** Everything written so far has reached the queue (none waits in the Writable). */
  get drained(): boolean {
    return this.held === null && this.writableLength === 0;
  }

  private settle(): void {
    const waiting = this.waiting;
    if (waiting === null || this.head < this.queue.length) return;
    this.waiting = null;
    if (this.failure) waiting.reject(this.failure);
    else waiting.resolve(DONE);
  }

  /** The next body chunk, as `AsyncIterator.next()`. */
  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.head < this.queue.length) {
      const chunk = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Uint8Array;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      this.queued -= chunk.byteLength;
      const held = this.held;
      if (held !== null && this.queued < this.limit) {
        this.held = null;
        held();
      }
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  // node:http calls these on a real socket.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  address(): { address: string; family: string; port: number } | Record<string, never> {
    return this.localAddress === undefined
      ? {}
      : { address: this.localAddress, family: this.localAddress.includes(':') ? 'IPv6' : 'IPv4', port: this.localPort ?? 0 };
  }
}

/**
 * The Body the gateway iterates: chunks from the socket, and `close()` (or an early
 * `return()`) tears the exchange down as a client hanging up would.
 */
export class ListenerBody implements AsyncIterableIterator<Uint8Array> {
  private closed = false;
  constructor(private readonly socket: ListenerSocket) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    return this.socket.next();
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.close();
    return Promise.resolve(DONE);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    if (!socket.ended && !socket.destroyed) socket.abandon(new Error('fromNodeListener: the gateway closed the body before the listener ended it'));
  }
}
