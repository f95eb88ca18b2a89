/**
 * `serve(app, options)`: the tsgi gateway on a node:http server, like
 * wsgiref.simple_server's `make_server(...).serve_forever()` but production-minded:
 * keep-alive, `100 Continue` on first read, and a graceful `close()` that stops
 * accepting, lets idle keep-alive connections go, and waits for requests in flight.
 *
 * @example
 * const { url, close } = await serve(app, { port: 8000 });
 * console.log(`listening on ${url}`);
 * process.once('SIGTERM', () => void close());
 *
 * @see https://peps.python.org/pep-3333/#the-server-gateway-side
 * @module
 */
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Application } from '@tsgi/core';
import { resolveWebSocketOptions, type WebSocketOptions } from '@tsgi/core/gateway';
import { LIMIT_DEFAULTS } from './limits.js';
import { toNodeListener, type ListenerOptions } from './listener.js';
import { clientErrorListener } from './reject.js';
import { NodeWebSockets } from './websocket.js';

export interface ServeOptions extends ListenerOptions {
  /**
   * Address to listen on. Only loopback by default: exposing a server is a choice.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to listen on; 0 picks any free port (read it back from `url`).
   * @default 8000
   */
  port?: number;
  /**
   * How long an idle keep-alive connection stays open, in ms (node's `keepAliveTimeout`).
   * @default 5000
   */
  keepAliveTimeout?: number;
  /**
   * Most time to receive a request's headers, in ms (node's `headersTimeout`).
   * @default 60000
   */
  headersTimeout?: number;
  /**
   * Most time to receive a whole request, in ms; 0 for none (node's `requestTimeout`).
   * @default 300000
   */
  requestTimeout?: number;
  /**
   * How long `close()` waits for requests in flight before cutting them, in ms.
   * @default 10000
   */
  shutdownTimeout?: number;
  /**
   * Extra options for `http.createServer` (e.g. `maxHeaderSize`, `noDelay`).
   * @default {}
   */
  serverOptions?: ServerOptions;
  /**
   * Serve HTTPS through node:https with these options (at least `cert` and `key`);
   * `wsgi.url_scheme` is then 'https'.
   * @default undefined (plain HTTP)
   */
  tls?: HttpsServerOptions;
  /**
   * `false`: make the server but do not listen; hand it connections with
   * `server.emit('connection', socket)` (the CLI's workers get them from the primary).
   * `url` is then '', and `close()` only stops idle connections and waits for the
   * others; the caller stops sending new ones.
   * @default true
   */
  listen?: boolean;
  /**
   * The listen backlog: connections the kernel queues before they are accepted.
   * @default 511 (node's)
   */
  backlog?: number;
  /**
   * WebSocket upgrades (`environ['tsgi.websocket']`, see docs/guides/websockets.md):
   * options, or `false` for none (node then serves upgrade requests as plain requests).
   * Sockets still open when `close()`'s drain timeout passes get 1001.
   * @default {} (maxPayload 1 MiB, maxBufferedAmount 4 MiB, pingInterval 30 s, no deflate, any origin)
   */
  websocket?: WebSocketOptions | false;
}

export interface Served {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  server: Server;
  /** Stops accepting, ends idle connections, waits for in-flight requests. */
  close(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  keepAliveTimeout: 5000,
  headersTimeout: 60_000,
  requestTimeout: 300_000,
  shutdownTimeout: 10_000,
} satisfies Omit<Required<ServeOptions>, keyof ListenerOptions | 'serverOptions' | 'tls' | 'listen' | 'backlog' | 'websocket'>;

function checkNumber(name: string, value: number, max = Infinity): number {
  if (typeof value !== 'number' || !(value >= 0) || value > max || (max !== Infinity && !Number.isInteger(value))) {
    throw new TypeError(`tsgi serve: ${name} must be a number from 0${max === Infinity ? '' : ` to ${max}`}, got ${String(value)}`);
  }
  return value;
}

/** Starts a server for `app` and resolves once it is listening. */
export async function serve(app: Application, options: ServeOptions = {}): Promise<Served> {
  const host = options.host ?? DEFAULTS.host;
  if (typeof host !== 'string' || host === '') throw new TypeError('tsgi serve: host must be a non-empty string');
  const port = checkNumber('port', options.port ?? DEFAULTS.port, 65535);
  const shutdownTimeout = checkNumber('shutdownTimeout', options.shutdownTimeout ?? DEFAULTS.shutdownTimeout);
  const listener = toNodeListener(app, options);
  const headersTimeout = checkNumber('headersTimeout', options.headersTimeout ?? DEFAULTS.headersTimeout);
  const serverOptions: ServerOptions = {
    // node checks the header/request timeouts on this tick (30 s by default): a short
    // timeout needs a shorter tick to be kept at all.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4) || 30_000)),
    // The listener's limits check Host itself, after the size limits (431 before 400).
    requireHostHeader: false,
    ...options.serverOptions,
  };
  // An https.Server is an http.Server on TLS sockets (same events and methods); the
  // types only keep them apart.
  // node:https (and tls under it) is loaded only for a TLS server: ~1.4 MB of idle
  // RSS that a plain HTTP server (most, behind a proxy) never uses.
  const server: Server = options.tls
    ? ((await import('node:https')).createServer({ ...options.tls, ...serverOptions }, listener) as unknown as Server)
    : createServer(serverOptions, listener);
  // Through 'checkContinue' the app decides when `100 Continue` goes out: on first read.
  server.on('checkContinue', listener);
  // Parser refusals, header overflow and slow clients: 400/431/408 with Connection: close.
  server.on('clientError', clientErrorListener(options.onReject));
  const websockets =
    options.websocket === false ? undefined : new NodeWebSockets(resolveWebSocketOptions('tsgi serve', options.websocket), listener, options.onReject);
  if (websockets !== undefined) server.on('upgrade', websockets.onUpgrade);
  // At the drain deadline: cut the HTTP connections left, and tell WebSockets 1001.
  const cutAll = (): void => {
    server.closeAllConnections();
    websockets?.goingAway();
  };
  // node silently drops header fields past maxHeadersCount; one more than the limit
  // lets the listener see that there were too many and refuse the request.
  const maxHeaders = options.limits?.maxHeaders ?? LIMIT_DEFAULTS.maxHeaders;
  server.maxHeadersCount = maxHeaders === Infinity ? 0 : maxHeaders + 1;
  server.keepAliveTimeout = checkNumber('keepAliveTimeout', options.keepAliveTimeout ?? DEFAULTS.keepAliveTimeout);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = checkNumber('requestTimeout', options.requestTimeout ?? DEFAULTS.requestTimeout);

  if (options.listen === false) return { url: '', server, close: drainer(server, shutdownTimeout, cutAll) };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: options.backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${shown}:${address.port}`;

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve, reject) => {
      // Connections that finish a response after this point become idle and are
      // let go on the next sweep; the listener also answers them `Connection: close`.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline =
        shutdownTimeout === Infinity ? undefined : setTimeout(cutAll, shutdownTimeout);
      deadline?.unref();
      server.close((error) => {
        clearInterval(sweep);
        if (deadline) clearTimeout(deadline);
        if (error) reject(error);
        else resolve();
      });
    });
    return closing;
  }
  return { url, server, close };
}

/**
 * close() for a server that never listened (node's own close() would report "not
 * running" at once, without waiting): idle keep-alive connections are let go as they
 * become idle; the rest get `shutdownTimeout` ms, then are cut. Set up with the server:
 * it counts connections from the first, reports `listening` until close() (the
 * listener answers `Connection: close` after that), and emits 'listening', on which
 * node starts tracking connections (idle sweeps, header and request timeouts).
 */
function drainer(server: Server, shutdownTimeout: number, cutAll: () => void): () => Promise<void> {
  const open = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  let closing: Promise<void> | null = null;
  Object.defineProperty(server, 'listening', { configurable: true, get: () => closing === null });
  server.emit('listening');
  return () =>
    (closing ??= new Promise<void>((resolve) => {
      const deadline = shutdownTimeout === Infinity ? undefined : setTimeout(cutAll, shutdownTimeout);
      const sweep = setInterval(() => {
        server.closeIdleConnections();
        if (open.size > 0) return;
        clearInterval(sweep);
        if (deadline) clearTimeout(deadline);
        resolve();
      }, 50);
    }));
}
