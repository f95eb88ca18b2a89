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
 * (`Connection`, `Keep-Alive`, `Transfer-Encoding`) are the gateway's job and dropped.
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
import type { Application, Body, Environ, ResponseHeaders, StartResponse } from '@tsgi/core';
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

// Node's framing and connection headers: the gateway decides those.
const NODE_FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/** Per-request state, kept on the socket so the hooks below need no closures. */
interface Exchange {
  socket: ListenerSocket;
  res: ServerResponse;
  startResponse: StartResponse;
  resolve(body: Body): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
  started: boolean;
}

const kExchange = Symbol('tsgi.exchange');
type HookedResponse = ServerResponse & { [kExchange]: Exchange; _header: string | null };

const nativeWriteHead = ServerResponse.prototype.writeHead;

/** The header list in node's serialised header block, minus node's framing headers. */
function parseHeaderBlock(block: string): ResponseHeaders {
  const headers: ResponseHeaders = [];
  let start = block.indexOf('\r\n') + 2;
  const end = block.length - 2; // the blank line
  while (start < end) {
    const eol = block.indexOf('\r\n', start);
    const colon = block.indexOf(':', start);
    const name = block.slice(start, colon);
    if (!NODE_FRAMING.has(name.toLowerCase())) headers.push([name, block.slice(colon + 2, eol)]);
    start = eol + 2;
  }
  return headers;
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

function commit(exchange: Exchange, block: string): void {
  exchange.started = true;
  clearTimeout(exchange.timer);
  const { res, socket } = exchange;
  // No chunk framing even when the listener asked for Transfer-Encoding: chunked.
  res.chunkedEncoding = false;
  socket.headerChars = block.length;
  socket.committed = true;
  try {
    exchange.startResponse(`${res.statusCode} ${res.statusMessage}`, parseHeaderBlock(block));
  } catch (error) {
    exchange.reject(error);
    socket.destroy();
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
  if (res === null) return;
  const exchange = res[kExchange];
  clearTimeout(exchange.timer);
  if (!exchange.started) exchange.reject(this.failure);
  const req = res.req;
  if (!req.destroyed && !req.complete) req.destroy();
}

function onSocketDrain(this: ListenerSocket): void {
  const res = this._httpMessage;
  if (res !== null && !res.writableEnded) res.emit('drain');
}

function onTimeout(exchange: Exchange, timeout: number): void {
  exchange.socket.destroy(new Error(`fromNodeListener: the listener did not start a response within ${timeout} ms`));
}

function onListenerError(this: Exchange, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (!this.started) {
    clearTimeout(this.timer);
    this.reject(failure);
  }
  this.socket.destroy(failure);
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
      const exchange: Exchange = { socket, res, startResponse, resolve, reject, timer: undefined, started: false };
      res[kExchange] = exchange;
      res.writeHead = writeHead as unknown as HookedResponse['writeHead'];
      res.once('finish', onFinish);
      socket.on('close', onSocketClose);
      socket.on('drain', onSocketDrain);
      res.assignSocket(socket as never);
      if (timeout > 0) exchange.timer = setTimeout(onTimeout, timeout, exchange, timeout);
      let result: unknown;
      try {
        result = run(req, res);
      } catch (error) {
        onListenerError.call(exchange, error);
        return;
      }
      if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, onListenerError.bind(exchange));
      }
    });
  };
}
