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
import { lint, type LintOptions } from '@tsgi/lint';
import { buildEnviron, type RequestInit } from './environ.js';
import { runRequest } from './run-request.js';

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
  /** Body bytes kept; past it iteration stops, the body is closed and `truncated` is set. @default 16777216 (16 MiB) */
  maxBodyBytes?: number;
  /**
   * Turn an error thrown before any body byte was sent into a 500 response, as the
   * gateway does (a `LintError` still rejects). When false the request rejects.
   * @default false
   */
  catchErrors?: boolean;
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
  /** True when the body was cut at `maxBodyBytes`. */
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
  /** Everything written to wsgi.errors by every request so far. */
  readonly errors: string;
}

const DEFAULTS = {
  lint: true,
  environ: {},
  timeout: 5000,
  maxBodyBytes: 16 * 1024 * 1024,
  catchErrors: false,
} satisfies Required<TestClientOptions>;

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
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const catchErrors = options.catchErrors ?? DEFAULTS.catchErrors;
  if (!(timeout > 0)) throw new TypeError(`testClient: timeout must be a number > 0, got ${String(timeout)}`);
  if (!(maxBodyBytes >= 0)) throw new TypeError(`testClient: maxBodyBytes must be a number >= 0, got ${String(maxBodyBytes)}`);
  const target = useLint === false ? app : lint(app, useLint === true ? {} : useLint);
  let allErrors = '';

  async function request(method: string, path: string, init: RequestInit = {}): Promise<TestResponse> {
    const { environ, errors } = buildEnviron(method, path, init, baseEnviron);
    try {
      const result = await withTimeout(runRequest(target, environ, { maxBodyBytes, catchErrors }), timeout, `${method} ${path}`);
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
    get errors() {
      return allErrors;
    },
  };
}
