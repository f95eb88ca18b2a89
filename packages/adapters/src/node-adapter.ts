/**
 * What `toConnect` and `toFastify` share: a tsgi middleware run on a host's own node
 * `(req, res)`. The environ comes from the gateway's own builder (`buildEnviron`), the
 * middleware's inner app is the host's stack below (its `next()`; what it writes is
 * captured, see node-capture.ts), and the middleware's response is written to the real
 * `res` by the gateway's own writer (`NodeResponseWriter`), so every PEP 3333 rule, HEAD,
 * Content-Length, backpressure and the one `close()` hold as under `serve()`.
 *
 * Errors raised before the host's stack was called go to the host (`next(err)`), as
 * any middleware of that host would report them; later ones are the gateway's: a 500,
 * or a cut connection once headers are out, logged to `wsgi.errors`.
 *
 * @example
 * const handle = nodeAdapter(gzip(), options, 'toConnect');
 * app.use((req, res, next) => handle(req, res, { next }, { req, res }, ''));
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isConnectionAbort, isPromise, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import type { ErrorsOption } from '@tsgi/server';
import { buildEnviron, GatewayConnection, NodeResponseWriter, resolveListenerOptions } from '@tsgi/server/gateway';
import { attachEnviron, HOST_KEY } from './host.js';
import { ResponseCapture } from './node-capture.js';
import { cutPrefix, mountAt, shiftMount } from './mount.js';

export interface NodeAdapterOptions {
  /**
   * `wsgi.errors`: where the middleware and the response writer log.
   * @default process.stderr
   */
  errors?: ErrorsOption;
  /**
   * Response bytes from the host's stack held for the middleware before the host's
   * `res.write()` returns false.
   * @default 16384
   */
  highWaterMark?: number;
}

const DEFAULTS = { errors: process.stderr, highWaterMark: 16_384 } satisfies Required<NodeAdapterOptions>;

/** How the adapter hands control back to the host. */
export interface HostTurn {
  /** Runs the host's stack below (Express `next`, Fastify `done`); with an error, its error handling. */
  next(error?: unknown): void;
  /** Called before the middleware answers without the host's stack (Fastify: `reply.hijack()`). */
  answer?(): void;
}

/** Handles one request: host request and response, how to continue, the host object for `tsgi.host`, a mount point. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, turn: HostTurn, host: unknown, mount: string) => void;

const CALL_KEY = 'tsgi.adapter.call';
/** The adapter calls a response passed through, outermost first (one per `toConnect` layer it met). */
const kCalls = Symbol('tsgi.adapter.calls');
type HostResponse = ServerResponse & { [kCalls]?: NodeCall[] };

/** One request through the adapter. */
class NodeCall {
  nextCalled = false;
  released = false;
  constructor(
    readonly capture: ResponseCapture,
    readonly turn: HostTurn,
    readonly exchange: NodeResponseWriter,
  ) {}
}

/** The middleware's inner app: the host's stack below, its response as captured. */
async function hostStackApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
  const call = environ[CALL_KEY] as NodeCall | undefined;
  if (call === undefined) {
    throw new Error(`tsgi adapter: the inner app got an environ without '${CALL_KEY}'; a middleware must pass the environ on (or a copy with all its keys)`);
  }
  if (call.nextCalled || call.released) {
    throw new Error('tsgi adapter: the inner app was called twice, or after the middleware answered; the host stack runs once per request');
  }
  call.nextCalled = true;
  const capture = call.capture;
  call.turn.next();
  await capture.head();
  startResponse(capture.status, capture.headers);
  return capture.body();
}

/** Named as the error wsgi.input throws for a client gone (ClientDisconnected), so an access log writes nginx's 499 for it rather than an app error's 500. */
function clientGone(): Error {
  return Object.assign(new Error('tsgi adapter: the client closed the connection before the host stack answered'), {
    name: 'ClientDisconnected',
    code: 'ECONNRESET',
  });
}

// One listener per response (`this` is it), however many layers it passed. Closed
// before it finished, the client left: each layer's `tsgi.connection` is told (its
// writer watches the response only once it has a body to send, and a middleware still
// working on its own answer, a long poll, would not hear of it otherwise).
function onHostClose(this: HostResponse): void {
  const left = !this.writableFinished;
  for (const call of this[kCalls]!) {
    call.capture.hostClosed(clientGone);
    if (left) call.exchange.abort();
  }
}

function track(res: HostResponse, call: NodeCall): void {
  const calls = res[kCalls];
  if (calls !== undefined) calls.push(call);
  else {
    res[kCalls] = [call];
    res.once('close', onHostClose);
  }
}

function respond(call: NodeCall, body: Body): void {
  if (!call.nextCalled) {
    // Answered without the host's stack: nothing below may write any more.
    call.released = true;
    call.capture.release();
    call.turn.answer?.();
  }
  // The walk logs its own errors; its Promise never rejects.
  void call.exchange.respond(body);
}

function fail(call: NodeCall, error: unknown): void {
  const { exchange, capture } = call;
  if (capture.res.destroyed) {
    void exchange.abort(); // the client left: nobody to answer
  } else if (!call.nextCalled && !exchange.headersSent && !isConnectionAbort(error)) {
    call.released = true;
    capture.release();
    call.turn.next(error);
  } else void exchange.fail(error);
}

/**
 * Waits for the middleware's Promise, then answers. An async function, not
 * `.then((body) => respond(call, body), ...)`: those arrows were two closures and a
 * context per request (see FastifyTurn in fastify.ts).
 */
async function settle(call: NodeCall, result: Promise<Body>): Promise<void> {
  let body: Body;
  try {
    body = await result;
  } catch (error) {
    fail(call, error);
    return;
  }
  respond(call, body);
}

/** Moves where the host mounted us to SCRIPT_NAME: Express's `req.baseUrl`, what Connect cut off `req.originalUrl`, or `mount`. */
function applyMount(environ: Environ, req: IncomingMessage, mount: string): void {
  const { baseUrl, originalUrl } = req as { baseUrl?: unknown; originalUrl?: unknown };
  const prefix = typeof baseUrl === 'string' ? baseUrl : cutPrefix(originalUrl, req.url ?? '/');
  if (prefix !== '') mountAt(environ, prefix, originalUrl);
  else shiftMount(environ, mount);
}

/** Checks the options once and returns the per-request handler for `middleware`. */
export function nodeAdapter(middleware: Middleware, options: NodeAdapterOptions, name: string): NodeHandler {
  if (typeof middleware !== 'function') {
    throw new TypeError(`${name}: middleware must be a function (app) => app, such as gzip(), got ${typeof middleware}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`${name}: options must be an object, got ${String(options)}`);
  const highWaterMark = options.highWaterMark ?? DEFAULTS.highWaterMark;
  if (!(Number.isInteger(highWaterMark) && highWaterMark > 0)) {
    throw new TypeError(`${name}: highWaterMark must be an integer > 0, got ${String(highWaterMark)}`);
  }
  const config = resolveListenerOptions({ errors: options.errors ?? DEFAULTS.errors });
  const app = middleware(hostStackApp);
  if (typeof app !== 'function') throw new TypeError(`${name}: middleware(app) must return an application function, got ${typeof app}`);

  return function tsgiNodeHandler(req, res, turn, host, mount): void {
    // environ['tsgi.connection'], one a request as under serve(): the writer closes it.
    const connection = new GatewayConnection();
    const environ = buildEnviron(req, res, config, connection);
    if (environ === undefined) {
      turn.next(new TypeError(`${name}: the request has more than one Host header (RFC 9112 section 3.2); answer it with 400`));
      return;
    }
    applyMount(environ, req, mount);
    const capture = new ResponseCapture(res, highWaterMark);
    const exchange = new NodeResponseWriter(req, capture.outer, config.errors, null, connection);
    const call = new NodeCall(capture, turn, exchange);
    environ[HOST_KEY] = host;
    environ[CALL_KEY] = call;
    attachEnviron(req, environ);
    track(res, call);
    let result: Body | Promise<Body>;
    let pending: boolean;
    try {
      result = app(environ, exchange.startResponse);
      // Inside the try: asking for `then` runs a getter of the app's. Any thenable is
      // awaited, as the gateway awaits it (core's isPromise).
      pending = isPromise(result);
    } catch (error) {
      fail(call, error);
      return;
    }
    if (pending) void settle(call, result as Promise<Body>);
    else respond(call, result as Body);
  };
}
