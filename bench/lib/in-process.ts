/**
 * What the in-process benches (bench/websec/rows.ts, bench/cost/stack-layers-child.ts)
 * call an app with, and the stack's router they call: the environ `serve()` would build
 * for a GET, as a constant-shape literal (a fresh one per call, the request's headers as
 * `HTTP_*` keys; its `wsgi.input` is never read and `wsgi.errors` drops what it is
 * given), and `router()` over the stack's 20 routes answering one body.
 *
 * @example
 * const environ = environFor('/api/v1/items/42', REQUEST_HEADERS);
 * stackRoutes(JSON_10K)(environ(), startResponse);
 * @module
 */
import type { Application, Environ, InputStream, ResponseHeaders } from '@tsgi/core';
import { router } from '@tsgi/router';
import { JSON_TYPE, ROUTES } from './workload.js';

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

const JSON_HEADERS: ResponseHeaders = [['Content-Type', JSON_TYPE]];

/** router() over the stack's 20 routes, each answering `body` as JSON. */
export function stackRoutes(body: Buffer): Application {
  const table = router();
  const chunks = [body];
  const answer: Application = (_environ, startResponse) => {
    startResponse('200 OK', JSON_HEADERS);
    return chunks;
  };
  for (const [method, pattern] of ROUTES) table.route(method, pattern, answer);
  return table;
}
