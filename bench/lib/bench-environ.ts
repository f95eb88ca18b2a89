/**
 * The environ `serve()` would build for a GET, as a constant-shape literal, for the
 * in-process benches (bench/websec/rows.ts, bench/cost/stack-layers-child.ts): a fresh
 * one per call, with the request's headers as `HTTP_*` keys. Its `wsgi.input` is never
 * read and `wsgi.errors` drops what it is given.
 *
 * @example
 * const environ = environFor('/api/v1/items/42', REQUEST_HEADERS);
 * app(environ(), startResponse);
 * @module
 */
import type { Environ, InputStream } from '@tsgi/core';

const EMPTY_INPUT = {} as InputStream; // never read here
const ERRORS = { write() {}, writelines() {}, flush() {} };

/** What serve() puts in the environ for a GET to `path` with `headers` from 127.0.0.1. */
export function environFor(path: string, headers: Readonly<Record<string, string>>): () => Environ {
  const extra = Object.entries({ host: '127.0.0.1:3000', connection: 'keep-alive', ...headers }).map(
    ([name, value]) => ['HTTP_' + name.toUpperCase().replaceAll('-', '_'), value] as const,
  );
  return function environ(): Environ {
    const env = {
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: path,
      QUERY_STRING: '',
      REQUEST_URI: path,
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: '3000',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_PORT: '50000',
      'wsgi.version': [1, 0],
      'wsgi.url_scheme': 'http',
      'wsgi.input': EMPTY_INPUT,
      'wsgi.errors': ERRORS,
      'wsgi.multithread': false,
      'wsgi.multiprocess': false,
      'wsgi.run_once': false,
      'wsgi.input_terminated': true,
    } as unknown as Environ;
    for (const [key, value] of extra) env[key] = value;
    return env;
  };
}
