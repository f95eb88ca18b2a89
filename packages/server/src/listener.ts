/**
 * `toNodeListener(app)`: a tsgi application as a node:http `(req, res)` listener,
 * for `http.createServer`, `https.createServer`, supertest or light-my-request.
 * It builds the environ and hands the app to the response writer, which calls it and
 * sends what it returns. A sync app returning an array never touches a Promise.
 *
 * Register it for 'checkContinue' as well so `100 Continue` waits for the app to read
 * (`serve()` does); without that node answers `100 Continue` itself, at once.
 *
 * @example
 * const listener = toNodeListener(app);
 * const server = http.createServer(listener).on('checkContinue', listener);
 * server.listen(8000, '127.0.0.1');
 *
 * @see https://peps.python.org/pep-3333/#the-server-gateway-side
 * @module
 */
import cluster from 'node:cluster';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Application } from '@tsgi/core';
import { GatewayConnection } from './client-connection.js';
import { buildEnviron, type EnvironConfig } from './node-environ.js';
import { toErrorStream, type ErrorsOption } from './errors-stream.js';
import { fileWrapper } from './file-wrapper.js';
import { EMPTY_INPUT, type NodeInputStream } from './node-input.js';
import { createGate } from './limits-gate.js';
import { REFUSALS, resolveLimits, type LimitsOptions } from './limits.js';
import { rejectResponse, type OnReject } from './reject.js';
import { NodeResponseWriter } from './response.js';
import { upgradeOf } from './websocket.js';

export interface ListenerOptions {
  /**
   * `wsgi.errors`: where the app and the gateway log (an ErrorStream, a node Writable, or a function that gets each message).
   * @default process.stderr
   */
  errors?: ErrorsOption;
  /**
   * `wsgi.url_scheme`; set it when TLS ends in front of this server (a proxy).
   * @default 'https' on a TLS socket, else 'http'
   */
  urlScheme?: 'http' | 'https';
  /**
   * `SERVER_NAME`.
   * @default the socket's local address
   */
  serverName?: string;
  /**
   * `SERVER_PORT`.
   * @default the socket's local port
   */
  serverPort?: number | string;
  /**
   * `wsgi.multiprocess`.
   * @default true in a node:cluster worker, else false
   */
  multiprocess?: boolean;
  /**
   * Request limits (gunicorn's defaults); see `LimitsOptions`.
   * @default {}
   */
  limits?: LimitsOptions;
  /**
   * Called once for every request refused before the app (4xx with `Connection:
   * close`), so an access log can still write a line for it.
   * @default undefined
   */
  onReject?: OnReject;
}

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Checks the listener options and fills in their defaults. */
export function resolveListenerOptions(options: ListenerOptions): EnvironConfig {
  const { urlScheme, serverName, serverPort, multiprocess } = options;
  if (urlScheme !== undefined && urlScheme !== 'http' && urlScheme !== 'https') {
    throw new TypeError(`tsgi server: urlScheme must be 'http' or 'https', got ${String(urlScheme)}`);
  }
  if (serverName !== undefined && typeof serverName !== 'string') {
    throw new TypeError('tsgi server: serverName must be a string');
  }
  if (serverPort !== undefined && !/^\d+$/.test(String(serverPort))) {
    throw new TypeError(`tsgi server: serverPort must be a port number, got ${String(serverPort)}`);
  }
  if (multiprocess !== undefined && typeof multiprocess !== 'boolean') {
    throw new TypeError('tsgi server: multiprocess must be a boolean');
  }
  return {
    errors: toErrorStream(options.errors),
    fileWrapper,
    multiprocess: multiprocess ?? cluster.isWorker,
    urlScheme,
    serverName,
    serverPort: serverPort === undefined ? undefined : String(serverPort),
  };
}

/** Serves `app` as a node:http request listener. */
export function toNodeListener(app: Application, options: ListenerOptions = {}): NodeListener {
  if (typeof app !== 'function') {
    throw new TypeError(`tsgi server: app must be a function (environ, startResponse) => body, got ${typeof app}`);
  }
  const config = resolveListenerOptions(options);
  const errors = config.errors;
  if (options.onReject !== undefined && typeof options.onReject !== 'function') {
    throw new TypeError('tsgi server: onReject must be a function (info) => void');
  }
  const gate = createGate(resolveLimits(options.limits), options.onReject, function dispatch(req, res) {
    // A server that is shutting down answers what it has, then lets the connection go.
    const server = (req.socket as { server?: Server }).server;
    if (server !== undefined && !server.listening) res.shouldKeepAlive = false;
    const connection = new GatewayConnection();
    const environ = buildEnviron(req, res, config, connection);
    if (environ === undefined) {
      // A refusal like the gate's: Connection: close, and nothing pipelined after it runs.
      rejectResponse(req, res, REFUSALS.duplicateHost.status, REFUSALS.duplicateHost.reason, options.onReject);
      return;
    }
    gate.arm(environ['wsgi.input']);
    const input = environ['wsgi.input'];
    const writer = new NodeResponseWriter(req, res, errors, input === EMPTY_INPUT ? null : (input as NodeInputStream), connection);
    // Only serve()'s 'upgrade' listener marks a request: a WebSocket handshake to offer.
    const upgrade = upgradeOf(req);
    // While an async app works on its answer, a client that leaves is told through
    // environ['tsgi.connection']; the writer never rejects.
    if (upgrade === undefined) void writer.run(app, environ);
    else void upgrade.run(app, environ, writer);
  });
  const enter = gate.enter;
  return function tsgiListener(req: IncomingMessage, res: ServerResponse): void {
    enter(req, res);
  };
}
