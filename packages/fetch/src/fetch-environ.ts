/**
 * A PEP 3333 environ from a fetch `Request`: the request side of `toFetch`. The URL
 * gives PATH_INFO (percent-decoded into one char per byte, latin-1, as PEP 3333 asks),
 * QUERY_STRING (as sent), SERVER_NAME/PORT and `wsgi.url_scheme`; headers become
 * `HTTP_*` keys (names with `_` are dropped, so `Content_Length` cannot pose as
 * CONTENT_LENGTH); the body is `wsgi.input`.
 *
 * @example
 * const environ = requestEnviron(request, { errors: consoleErrors, scriptName: '' });
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @see https://peps.python.org/pep-3333/#unicode-issues
 * @module
 */
import { environKey, type Environ, type ErrorStream } from '@tsgi/core';
import { decodePathInfo } from '@tsgi/core/gateway';
import { StreamInput } from './stream-input.js';

const VERSION = Object.freeze([1, 0] as const);

/** `wsgi.errors` that writes to `console.error`, the one sink every runtime has. */
export const consoleErrors: ErrorStream = Object.freeze({
  write(text: string): void {
    console.error(text.endsWith('\n') ? text.slice(0, -1) : text);
  },
  writelines(lines: Iterable<string>): void {
    for (const line of lines) consoleErrors.write(line);
  },
  flush(): void {},
});

export interface EnvironSettings {
  errors: ErrorStream;
  /** A mount prefix to move from PATH_INFO to SCRIPT_NAME ('' for none). */
  scriptName: string;
}

export function requestEnviron(request: Request, settings: EnvironSettings): Environ {
  const url = new URL(request.url);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  let path = decodePathInfo(url.pathname);
  let scriptName = '';
  const mount = settings.scriptName;
  if (mount && (path === mount || path.startsWith(mount + '/'))) {
    scriptName = mount;
    path = path.slice(mount.length);
  }
  const environ: Environ = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: scriptName,
    PATH_INFO: path,
    QUERY_STRING: url.search.slice(1),
    SERVER_NAME: url.hostname,
    SERVER_PORT: url.port || (scheme === 'https' ? '443' : '80'),
    SERVER_PROTOCOL: 'HTTP/1.1',
    // The target as the URL carried it, as @tsgi/server keeps it: what a layer that
    // rebuilds the request (fromFetch, a logger) uses while the path is unmoved.
    REQUEST_URI: url.pathname + url.search,
    'wsgi.version': VERSION,
    'wsgi.url_scheme': scheme,
    'wsgi.input': undefined as unknown as StreamInput,
    'wsgi.errors': settings.errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
  };
  // Headers has joined repeated fields with ', ' already (Cookie with '; ' by the client).
  for (const [name, value] of request.headers) {
    const key = environKey(name);
    if (key !== null) environ[key] = value;
  }
  // Runtimes rarely expose Host on a Request; the URL's authority is what it was.
  if (environ.HTTP_HOST === undefined) environ.HTTP_HOST = url.host;
  const length = environ.CONTENT_LENGTH !== undefined ? Number(environ.CONTENT_LENGTH) : Infinity;
  environ['wsgi.input'] = new StreamInput(request.body, Number.isFinite(length) && length >= 0 ? length : Infinity);
  return environ;
}
