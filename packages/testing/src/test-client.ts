/**
 * `testClient(app)`: in-process requests against a tsgi application, no socket,
 * like werkzeug.test.Client and rack-test. The environ is built the way the gateway
 * builds it, the app runs under `lint()` by default (so a test fails on any PEP 3333
 * breach by the app, a middleware, or the client itself), and the response comes
 * back whole: status, headers, body bytes, and how the body was closed.
 *
 * @example
 * ```ts
 * const client = testClient(gzip()(hello));
 * const res = await client.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
 * expect(res.status).toBe(200);
 * expect(res.header('content-encoding')).toBe('gzip');
 * ```
 * @see https://werkzeug.palletsprojects.com/en/latest/test/
 * @module
 */
import { getHeader, getHeaders, statusCode, type Application, type Environ, type ResponseHeaders } from '@tsgi/core';
import {
  WebSocketUpgrade,
  checkWebSocketRequest,
  resolveWebSocketOptions,
  type WebSocketOptions,
} from '@tsgi/core/gateway';
import { lint, type LintOptions } from '@tsgi/lint';
import { createEnviron, type RequestInit } from './test-environ.js';
import { runRequest } from './run-request.js';
import { WebSocketRefused, connect, type TestWebSocket, type WebSocketInit } from './websocket.js';

export interface TestClientOptions {
  /**
   * Wrap the app in `lint()` so any PEP 3333 breach throws a `LintError`; `false`
   * opts out, an object passes `LintOptions`.
   * @default true
   */
  lint?: boolean | LintOptions;
  /** Environ keys set on every request, after the client's own. @default {} */
  environ?: Record<string, unknown>;
  /** Milliseconds a request may take before it rejects; `Infinity` waits forever. @default 5000 */
  timeout?: number;
  /** Response body bytes kept; past it iteration stops, the body is closed and `truncated` is set. @default 16777216 (16 MiB) */
  maxResponseBytes?: number;
  /**
   * @deprecated Use `maxResponseBytes` (the same limit). The server's `limits.maxBodyBytes`
   * caps the *request* body; this name goes in the next minor.
   */
  maxBodyBytes?: number;
  /**
   * Turn an error thrown before any body byte was sent into a 500 response, as the
   * gateway does (a `LintError` still rejects). When false the request rejects.
   * @default false
   */
  catchErrors?: boolean;
  /** The gateway's WebSocket options for `websocket()` (origins, maxPayload, ...). @default {} */
  websocket?: WebSocketOptions;
}

export interface TestResponse {
  /** The status code, e.g. 404. */
  status: number;
  /** The status line the app gave, e.g. `'404 Not Found'`. */
  statusLine: string;
  headers: ResponseHeaders;
  /** The first value of a header (case-insensitive), or undefined. */
  header(name: string): string | undefined;
  /** Every value of a header, in order. */
  headerValues(name: string): string[];
  /** The body bytes (empty for HEAD). */
  body: Uint8Array;
  /** The body decoded as UTF-8. */
  text: string;
  json<T = unknown>(): T;
  /** How many times the client called the returned body's close(): 1, or 0 when it had none. */
  closeCalls: number;
  /** True when the body was cut at `maxResponseBytes`. */
  truncated: boolean;
  /** The environ the app was called with (with whatever the app set on it). */
  environ: Environ;
  /** What the app wrote to wsgi.errors during this request. */
  errors: string;
}

type Shortcut = (path: string, init?: RequestInit) => Promise<TestResponse>;

export interface TestClient {
  request(method: string, path: string, init?: RequestInit): Promise<TestResponse>;
  get: Shortcut;
  post: Shortcut;
  put: Shortcut;
  patch: Shortcut;
  delete: Shortcut;
  head: Shortcut;
  options: Shortcut;
  /**
   * Opens a WebSocket in memory: the handshake runs through the app (under lint), and a
   * 101 gives the client's end of the connection; any other answer rejects with a
   * `WebSocketRefused` (its status, headers and text).
   */
  websocket(path: string, init?: WebSocketInit): Promise<TestWebSocket>;
  /** Everything written to wsgi.errors by every request so far. */
  readonly errors: string;
}

const DEFAULTS = {
  lint: true,
  environ: {},
  timeout: 5000,
  maxResponseBytes: 16 * 1024 * 1024,
  catchErrors: false,
  websocket: {},
} satisfies Required<Omit<TestClientOptions, 'maxBodyBytes'>>;

/** A client's opening handshake, as RFC 6455 4.1 writes it (a fixed key: no randomness needed here). */
const HANDSHAKE: Array<[string, string]> = [
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Version', '13'],
];

/** The handshake headers with the test's own over them (same name, any case, replaces). */
function handshakeHeaders(init: WebSocketInit): Array<[string, string]> {
  const given = Array.isArray(init.headers) ? init.headers : Object.entries(init.headers ?? {});
  const names = new Set(given.map(([name]) => name.toLowerCase()));
  const headers = HANDSHAKE.filter(([name]) => !names.has(name.toLowerCase()));
  if (init.protocols?.length && !names.has('sec-websocket-protocol')) headers.push(['Sec-WebSocket-Protocol', init.protocols.join(', ')]);
  return [...headers, ...given];
}

const decoder = new TextDecoder();

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (!(ms < Infinity)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`testClient: ${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A client that sends in-process requests to `app`. */
export function testClient(app: Application, options: TestClientOptions = {}): TestClient {
  if (typeof app !== 'function') throw new TypeError('testClient: app must be an application function');
  const useLint = options.lint ?? DEFAULTS.lint;
  const baseEnviron = options.environ ?? DEFAULTS.environ;
  const timeout = options.timeout ?? DEFAULTS.timeout;
  const maxResponseBytes = options.maxResponseBytes ?? options.maxBodyBytes ?? DEFAULTS.maxResponseBytes;
  const catchErrors = options.catchErrors ?? DEFAULTS.catchErrors;
  if (!(timeout > 0)) throw new TypeError(`testClient: timeout must be a number > 0, got ${String(timeout)}`);
  if (!(maxResponseBytes >= 0)) {
    const name = options.maxResponseBytes !== undefined ? 'maxResponseBytes' : 'maxBodyBytes';
    throw new TypeError(`testClient: ${name} must be a number >= 0, got ${String(maxResponseBytes)}`);
  }
  const target = useLint === false ? app : lint(app, useLint === true ? {} : useLint);
  const websocketSettings = resolveWebSocketOptions('testClient', options.websocket ?? DEFAULTS.websocket);
  let allErrors = '';

  async function request(method: string, path: string, init: RequestInit = {}): Promise<TestResponse> {
    const { environ, errors } = createEnviron(method, path, init, baseEnviron);
    try {
      const result = await withTimeout(runRequest(target, environ, { maxResponseBytes, catchErrors }), timeout, `${method} ${path}`);
      const body = concat(result.chunks);
      let text: string | undefined;
      return {
        status: statusCode(result.status),
        statusLine: result.status,
        headers: result.headers,
        header: (name) => getHeader(result.headers, name),
        headerValues: (name) => getHeaders(result.headers, name),
        body,
        get text() {
          return (text ??= decoder.decode(body));
        },
        json: <T>() => JSON.parse(decoder.decode(body)) as T,
        closeCalls: result.closeCalls,
        truncated: result.truncated,
        environ,
        errors: errors.text,
      };
    } finally {
      allErrors += errors.text;
    }
  }

  async function websocket(path: string, init: WebSocketInit = {}): Promise<TestWebSocket> {
    const { environ, errors } = createEnviron('GET', path, { ...init, headers: handshakeHeaders(init) }, baseEnviron);
    try {
      const header = (name: string): string | undefined => environ[`HTTP_${name.toUpperCase().replaceAll('-', '_')}`] as string | undefined;
      const check = checkWebSocketRequest(environ.REQUEST_METHOD, environ.SERVER_PROTOCOL, header, websocketSettings);
      if (check.kind === 'refuse') throw new WebSocketRefused(check.status, check.headers, check.reason);
      const upgrade = check.kind === 'offer' ? new WebSocketUpgrade(check.protocols) : undefined;
      const result = await withTimeout(runRequest(target, environ, { maxResponseBytes, catchErrors, upgrade }), timeout, `WebSocket ${path}`);
      if (upgrade === undefined || result.status !== '101 Switching Protocols') {
        throw new WebSocketRefused(statusCode(result.status), result.headers, decoder.decode(concat(result.chunks)));
      }
      return connect(upgrade, result.headers, websocketSettings, environ['wsgi.errors'], timeout);
    } finally {
      allErrors += errors.text;
    }
  }

  const shortcut = (method: string): Shortcut => (path, init) => request(method, path, init);
  return {
    request,
    get: shortcut('GET'),
    post: shortcut('POST'),
    put: shortcut('PUT'),
    patch: shortcut('PATCH'),
    delete: shortcut('DELETE'),
    head: shortcut('HEAD'),
    options: shortcut('OPTIONS'),
    websocket,
    get errors() {
      return allErrors;
    },
  };
}
