/**
 * The request target for `%r` (`GET /a%20b?x=1 HTTP/1.1`), rebuilt from the environ.
 *
 * PATH_INFO and SCRIPT_NAME arrive percent-decoded (latin-1 bytes as a string), so
 * the path is quoted again: RFC 3986 `pchar`s and `/` pass, every other byte becomes
 * `%XX`. A gateway that keeps the raw target may put it in the environ as `REQUEST_URI`
 * (CGI/uWSGI's name, which @tsgi/server sets) or `RAW_URI` (gunicorn's); when one is
 * a string it is used as sent, since that is what Apache logs. The query string is logged as received.
 *
 * @example
 * requestTarget({ SCRIPT_NAME: '/app', PATH_INFO: '/a b', QUERY_STRING: 'x=1', ... }) // '/app/a%20b?x=1'
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.3 (pchar)
 * @see https://peps.python.org/pep-3333/#url-reconstruction
 * @module
 */
import { quotePath, type Environ } from '@tsgi/core';

export { quotePath };

/** The environ keys where a gateway may keep the raw request target, in order of preference. */
export const RAW_TARGET_KEYS = ['REQUEST_URI', 'RAW_URI'] as const;

/** The raw target if the gateway kept one, or `undefined`. */
export function rawTarget(environ: Environ): string | undefined {
  // REQUEST_URI first: it is @tsgi/server's key, and a missing key costs a lookup.
  const raw = environ.REQUEST_URI ?? environ.RAW_URI;
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

/** The quoted path, SCRIPT_NAME + PATH_INFO (`/` when both are empty), without the query. */
export function requestPath(environ: Environ): string {
  const path = (environ.SCRIPT_NAME ?? '') + (environ.PATH_INFO ?? '');
  return path === '' ? '/' : quotePath(path);
}

/** The request target as sent: the raw one if kept, else the quoted path and `?query`. */
export function requestTarget(environ: Environ): string {
  const raw = rawTarget(environ);
  if (raw !== undefined) return raw;
  const query = environ.QUERY_STRING;
  return query ? requestPath(environ) + '?' + query : requestPath(environ);
}
