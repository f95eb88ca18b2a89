/**
 * `fromNodeListener(listener)`: runs a node:http `(req, res)` listener (an Express,
 * Connect or Koa app, or any hand-written one) as a tsgi Application, so it can sit
 * under tsgi middleware and be served by any tsgi gateway.
 *
 * The request is a real `http.IncomingMessage` built from the environ (see
 * from-node-request.ts); the response is node's own `http.ServerResponse` over a
 * socket stub (see from-node-socket.ts), so `setHeader`, `writeHead`, `flushHeaders`,
 * HEAD, 204/304, `statusMessage` and Content-Length behave exactly as on node:http.
 * When node commits the headers, their status and header list go to `startResponse`
 * and the body streams out as an async iterable. A listener that finishes in the same
 * turn (most `res.send`/`res.end` calls) gets an array body, which the gateway writes
 * in one call.
 *
 * Errors are the gateway's to answer, as for any tsgi app: a listener that throws (or
 * rejects) before the headers, or does not start the response within `timeout` ms,
 * rejects the Application (the gateway's 500); after the headers the body throws, and
 * the gateway cuts the connection. Headers node:http accepts but PEP 3333 forbids
 * (e.g. `Upgrade`) fail in `startResponse` the same way. Node's own framing headers
 * (`Connection`, `Keep-Alive`, `Transfer-Encoding: chunked`) are the gateway's job and
 * dropped; any other transfer coding is an error (the gateway cannot apply it).
 *
 * The connection's edges behave as on node:http: `res.flushHeaders()` sends the
 * status line at once (the gateway's `write` with an empty chunk); a client that
 * leaves (`environ['tsgi.connection']`, or `close()` on the body) closes the socket stub,
 * so `req` is aborted and `res` closed in node's order; and a listener that destroys
 * its connection gets its error on the socket's `'error'` listeners while the gateway
 * drops the connection without an answer (a `ConnectionAbort`).
 *
 * @example
 * import express from 'express';
 * const api = express().get('/hi', (_req, res) => res.json({ hi: true }));
 * await serve(compose(accessLog(), gzip())(fromNodeListener(api)), { port: 8000 });
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import { ConnectionAbort, describeError, isPromise, type Application, type Body, type Environ, type StartResponse, type Write } from '@tsgi/core';
import { parseHeaderBlock } from './from-node-headers.js';
import { environRequest } from './from-node-request.js';
import { ListenerBody, ListenerSocket } from './from-node-socket.js';

/** A node:http request listener: `(req, res) => void` (or a Promise, as Koa's). */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface FromNodeListenerOptions {
  /**
   * Milliseconds the listener has to start its response (headers committed by
   * `writeHead`, a first `write` or `end`); past it the Application rejects and the
   * listener's `res` is destroyed. 0 waits forever.
   * @default 30000
   */
  timeout?: number;
  /**
   * Keep SCRIPT_NAME in `req.url`. By default a mounted listener (SCRIPT_NAME not
   * empty) gets the PATH_INFO part in `req.url`, the mount point in `req.baseUrl` and
   * the whole path in `req.originalUrl`, as Express mounts a sub-app.
   * @default false
   */
  fullUrl?: boolean;
  /**
   * Response bytes held for the gateway before `res.write()` returns false.
   * @default 16384
   */
  highWaterMark?: number;
}

const DEFAULTS = { timeout: 30_000, fullUrl: false, highWaterMark: 16_384 } satisfies Required<FromNodeListenerOptions>;

/** Per-request state, kept on the response so the hooks below need no closures. */
interface Exchange {
  socket: ListenerSocket;
  res: ServerResponse;
  startResponse: StartResponse;
  resolve(body: Body): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
  started: boolean;
  /** The gateway's `write`, once startResponse accepted the headers. */
  write: Write | null;
}

const kExchange = Symbol('tsgi.exchange');
type HookedResponse = ServerResponse & { [kExchange]: Exchange; _header: string | null };

const nativeWriteHead = ServerResponse.prototype.writeHead;
const nativeFlushHeaders = ServerResponse.prototype.flushHeaders;
const EMPTY = new Uint8Array(0);

/** node:http's connResetException('aborted'): what `req` gets when the connection drops. */
function connectionReset(): Error {
  return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/**
 * `res.writeHead` for every wrapped response (an own property: Express swaps the
 * prototype of res). Node builds the header block; then it goes to startResponse.
 */
function writeHead(this: HookedResponse, ...args: unknown[]): HookedResponse {
  (nativeWriteHead as (...a: unknown[]) => unknown).apply(this, args);
  const exchange = this[kExchange];
  if (!exchange.started) commit(exchange, this._header ?? '');
  return this;
}

/**
 * `res.flushHeaders` for every wrapped response: as on node:http the status line goes
 * out now, before any body byte, through the gateway's `write` with an empty chunk
 * (PEP 3333 sends the headers on the first write() call).
 */
function flushHeaders(this: HookedResponse): void {
  nativeFlushHeaders.call(this);
  const write = this[kExchange].write;
  if (write !== null) write(EMPTY);
}

function commit(exchange: Exchange, block: string): void {
  exchange.started = true;
  clearTimeout(exchange.timer);
  const { res, socket } = exchange;
  // No chunk framing even when the listener asked for Transfer-Encoding: chunked.
  res.chunkedEncoding = false;
  socket.headerChars = block.length;
  socket.committed = true;
  try {
    exchange.write = exchange.startResponse(`${res.statusCode} ${res.statusMessage}`, parseHeaderBlock(block));
  } catch (error) {
    exchange.reject(error);
    socket.abandon(toError(error));
    return;
  }
  // Settle after the listener's current turn: a synchronous res.end() has then
  // handed over every byte, and the body can be a plain array.
  void Promise.resolve(exchange).then(settle);
}

function settle(exchange: Exchange): void {
  const socket = exchange.socket;
  if (socket.failure === undefined && exchange.res.writableEnded && socket.drained) {
    exchange.resolve(socket.queue.splice(0));
  } else {
    exchange.resolve(new ListenerBody(socket));
  }
}

function onFinish(this: HookedResponse): void {
  const socket = this[kExchange].socket;
  socket.finish();
  // As node:http does once a response is done: free the socket, then 'close'.
  this.detachSocket(socket as never);
  process.nextTick(emitClose, this);
}

function emitClose(res: ServerResponse): void {
  res.emit('close');
}

function onSocketClose(this: ListenerSocket): void {
  const res = this._httpMessage as HookedResponse | null;
  if (res === null) return; // the response finished and freed the socket
  const exchange = res[kExchange];
  clearTimeout(exchange.timer);
  if (!exchange.started) exchange.reject(this.failure);
  // As node:http's abortIncoming: the request of an unfinished response is aborted
  // ('aborted', then 'error' if it has listeners, then 'close').
  const req = res.req;
  if (!req.destroyed) req.destroy(connectionReset());
}

/** `environ['tsgi.connection']` closed: the client left, so the listener's socket closes. */
function onClientGone(this: Exchange): void {
  const socket = this.socket;
  if (socket.destroyed || socket.ended) return;
  socket.abandon(new ConnectionAbort('fromNodeListener: the client closed the connection'));
}

function onSocketDrain(this: ListenerSocket): void {
  const res = this._httpMessage;
  if (res !== null && !res.writableEnded) res.emit('drain');
}

function onTimeout(exchange: Exchange, timeout: number): void {
  exchange.socket.abandon(new Error(`fromNodeListener: the listener did not start a response within ${timeout} ms`));
}

/** `value` if it is an Error, else an Error describing it; never throws, whatever was thrown. */
function toError(value: unknown): Error {
  try {
    if (value instanceof Error) return value;
  } catch {
    // A Proxy whose getPrototypeOf trap throws: not an Error we can use.
  }
  return new Error(describeError(value), { cause: value });
}

function onListenerError(this: Exchange, error: unknown): void {
  const failure = toError(error);
  if (!this.started) {
    clearTimeout(this.timer);
    this.reject(failure);
  }
  this.socket.abandon(failure);
}

function checkOptions(options: FromNodeListenerOptions): Required<FromNodeListenerOptions> {
  const resolved = { ...DEFAULTS, ...options };
  if (!(Number.isInteger(resolved.timeout) && resolved.timeout >= 0)) {
    throw new TypeError(`fromNodeListener: timeout must be an integer >= 0 (ms), got ${String(resolved.timeout)}`);
  }
  if (!(Number.isInteger(resolved.highWaterMark) && resolved.highWaterMark > 0)) {
    throw new TypeError(`fromNodeListener: highWaterMark must be an integer > 0, got ${String(resolved.highWaterMark)}`);
  }
  if (typeof resolved.fullUrl !== 'boolean') {
    throw new TypeError(`fromNodeListener: fullUrl must be a boolean, got ${typeof resolved.fullUrl}`);
  }
  return resolved;
}

/**
 * Wraps a node:http listener as a tsgi Application. Accepts a Koa app too (anything
 * with a `callback()` that returns a listener).
 */
export function fromNodeListener(
  listener: NodeRequestListener | { callback(): NodeRequestListener },
  options: FromNodeListenerOptions = {},
): Application {
  const handler: unknown = typeof listener === 'function' ? listener : listener?.callback?.();
  if (typeof handler !== 'function') {
    throw new TypeError('fromNodeListener: listener must be a function (req, res) => void or an object with callback()');
  }
  const run = handler as NodeRequestListener;
  const { timeout, fullUrl, highWaterMark } = checkOptions(options);

  return function nodeListenerApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
    const socket = new ListenerSocket(environ, highWaterMark);
    const req = environRequest(environ, socket as never, fullUrl);
    const res = new ServerResponse(req) as HookedResponse;
    // The gateway frames the body and owns the connection and the Date header.
    res.useChunkedEncodingByDefault = false;
    res.shouldKeepAlive = false;
    res.sendDate = false;
    return new Promise<Body>((resolve, reject) => {
      const exchange: Exchange = {
        socket,
        res,
        startResponse,
        resolve,
        reject,
        timer: undefined,
        started: false,
        write: null,
      };
      res[kExchange] = exchange;
      res.writeHead = writeHead as unknown as HookedResponse['writeHead'];
      res.flushHeaders = flushHeaders;
      // A gateway that can tell when the client leaves (serve() does) says so here.
      const connection = environ['tsgi.connection'];
      if (connection !== undefined) connection.onClose(onClientGone.bind(exchange));
      res.once('finish', onFinish);
      socket.on('close', onSocketClose);
      socket.on('drain', onSocketDrain);
      res.assignSocket(socket as never);
      if (timeout > 0) exchange.timer = setTimeout(onTimeout, timeout, exchange, timeout);
      let result: unknown;
      try {
        result = run(req, res);
        // Inside the try: `then` may be a getter (or a Proxy trap) that throws.
        if (isPromise(result)) result.then(undefined, onListenerError.bind(exchange));
      } catch (error) {
        onListenerError.call(exchange, error);
        return;
      }
    });
  };
}
