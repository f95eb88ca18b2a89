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
import type { Environ } from '@tsgi/core';

const HEX = '0123456789ABCDEF';

// 1 for ASCII characters that stand for themselves in a path: unreserved, sub-delims, ':' '@' '/'.
const PATH_SAFE = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/") {
  PATH_SAFE[ch.charCodeAt(0)] = 1;
}

function isSafe(code: number): boolean {
  return code < 128 && PATH_SAFE[code] === 1;
}

/** A decoded (latin-1) path quoted back to its wire form; returned as is when nothing needs it. */
export function quotePath(path: string): string {
  let i = 0;
  const length = path.length;
  while (i < length && isSafe(path.charCodeAt(i))) i++;
  if (i === length) return path;
  let out = path.slice(0, i);
  for (; i < length; i++) {
    const code = path.charCodeAt(i);
    if (isSafe(code)) out += path[i];
    else if (code < 256) out += '%' + HEX[code >> 4] + HEX[code & 15];
    else {
      // Not a latin-1 byte: a layer set a real Unicode path; quote its UTF-8 bytes
      // (a lone surrogate becomes U+FFFD's, as TextEncoder would send it).
      const width = path.codePointAt(i)! > 0xffff ? 2 : 1;
      for (const byte of Buffer.from(path.slice(i, i + width), 'utf8')) out += '%' + HEX[byte >> 4] + HEX[byte & 15];
      i += width - 1;
    }
  }
  return out;
}

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
