/**
 * Builds the environ for one test request the way the gateway builds it from a
 * socket: PATH_INFO percent-decoded to latin-1 characters (one per byte),
 * QUERY_STRING raw, Content-Type and Content-Length as CONTENT_TYPE/CONTENT_LENGTH,
 * other headers as HTTP_*, and the wsgi.* keys with a real input stream.
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @see https://peps.python.org/pep-3333/#unicode-issues (bytes as latin-1 strings)
 * @module
 */
import { encodeNative, environKey, type Environ } from '@tsgi/core';
import { decodePathInfo } from '@tsgi/core/gateway';
import { CollectingErrorStream } from './error-stream.js';
import { BodyInputStream } from './body-input-stream.js';

/** What one request sends. */
export interface RequestInit {
  /** Request headers; repeated names are joined with ', ' (Cookie with '; '). */
  headers?: Record<string, string> | Array<[string, string]>;
  /** Added to the query string of `path`: an object (form-encoded) or a raw string. */
  query?: Record<string, string> | string;
  /** The request body. An iterable is streamed and sent without CONTENT_LENGTH. */
  body?: string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** A value sent as a JSON body with `Content-Type: application/json`. */
  json?: unknown;
  /** Environ keys set last, over the client's `environ` option. */
  environ?: Record<string, unknown>;
}

const encoder = new TextEncoder();
const NON_ASCII = /[^\x00-\x7f]+/gu;

/**
 * Percent-decodes a URL path into a latin-1 "bytes as string", as PEP 3333 asks. A raw
 * non-ASCII character goes on the wire as UTF-8, so it becomes one char per byte too.
 */
export function decodePath(path: string): string {
  return decodePathInfo(path.replace(NON_ASCII, encodeNative));
}

/**
 * Builds a fresh environ for `method` and `target` (path and query), with its error
 * stream; the body of `init` is its `wsgi.input`. Werkzeug's `create_environ`.
 *
 * @example
 * const { environ } = createEnviron('POST', '/users?x=1', { json: { name: 'a' } });
 */
export function createEnviron(
  method: string,
  target: string,
  init: RequestInit = {},
  base?: Record<string, unknown>,
): { environ: Environ; errors: CollectingErrorStream } {
  const question = target.indexOf('?');
  const rawPath = question === -1 ? target : target.slice(0, question);
  let query = question === -1 ? '' : target.slice(question + 1);
  if (init.query !== undefined) {
    const extra = typeof init.query === 'string' ? init.query.replace(/^\?/, '') : new URLSearchParams(init.query).toString();
    query = query && extra ? `${query}&${extra}` : query || extra;
  }

  const cgi: Record<string, string> = {};
  const pairs = Array.isArray(init.headers) ? init.headers : Object.entries(init.headers ?? {});
  for (const [name, text] of pairs) {
    // As the gateway does: Content-Type/Length without HTTP_, names with '_' dropped.
    const key = environKey(name);
    if (key === null) continue;
    // Text beyond latin-1 travels as its UTF-8 bytes, which a server reads one char each.
    const value = encodeNative(text);
    const before = cgi[key];
    cgi[key] = before === undefined ? value : `${before}${key === 'HTTP_COOKIE' ? '; ' : ', '}${value}`;
  }
  cgi.HTTP_HOST ??= 'localhost';

  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    cgi.CONTENT_TYPE ??= 'application/json';
  }
  if (typeof body === 'string') body = encoder.encode(body);
  let streamed = false;
  if (body instanceof Uint8Array) {
    cgi.CONTENT_LENGTH ??= String(body.byteLength);
  } else if (body !== undefined) {
    streamed = cgi.CONTENT_LENGTH === undefined;
  }
  const limit = cgi.CONTENT_LENGTH !== undefined ? Number(cgi.CONTENT_LENGTH) || 0 : streamed ? Infinity : 0;
  const source = body === undefined ? [] : body instanceof Uint8Array ? [body] : body;

  const errors = new CollectingErrorStream();
  const environ: Environ = {
    REQUEST_METHOD: method,
    SCRIPT_NAME: '',
    PATH_INFO: decodePath(rawPath),
    QUERY_STRING: query,
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    ...cgi,
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': new BodyInputStream(source, limit),
    'wsgi.errors': errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
  };
  if (streamed) environ['wsgi.input_terminated'] = true;
  if (base) Object.assign(environ, base);
  if (init.environ) Object.assign(environ, init.environ);
  return { environ, errors };
}

/**
 * @deprecated Use `createEnviron` (same arguments). `buildEnviron` is the gateway's
 * name (`@tsgi/server/gateway`, from a node request); this alias goes in the next minor.
 */
export const buildEnviron = createEnviron;
