/**
 * wsgiref.util for tsgi: rebuilding URLs from an environ and moving path segments
 * from PATH_INFO to SCRIPT_NAME, with the semantics CPython documents.
 *
 * @see https://docs.python.org/3/library/wsgiref.html#module-wsgiref.util
 * @module
 */
import type { Environ } from './types.js';

const HEX = '0123456789ABCDEF';
// RFC 3986 unreserved characters are never quoted (urllib.parse.quote's always-safe set).
const UNRESERVED = /[A-Za-z0-9_.\-~]/;

/**
 * urllib.parse.quote(s, safe, encoding='latin1'): PATH_INFO and SCRIPT_NAME hold
 * latin-1 "bytes as string", so each code unit is one byte to percent-encode.
 */
function quoteLatin1(value: string, safe: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (UNRESERVED.test(ch) || safe.includes(ch)) {
      out += ch;
    } else if (code < 256) {
      out += '%' + HEX[code >> 4] + HEX[code & 15];
    } else {
      // Not a latin-1 byte string; encode the code point as UTF-8 rather than lose it.
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

/** The base URI of the application: scheme, host and quoted SCRIPT_NAME (or `/`). */
export function applicationUri(environ: Environ): string {
  const scheme = environ['wsgi.url_scheme'];
  let url = scheme + '://';
  const host = environ.HTTP_HOST;
  if (host) {
    url += host;
  } else {
    url += environ.SERVER_NAME;
    const defaultPort = scheme === 'https' ? '443' : '80';
    if (environ.SERVER_PORT !== defaultPort) url += ':' + environ.SERVER_PORT;
  }
  return url + quoteLatin1(environ.SCRIPT_NAME || '/', '/');
}

/** The full request URI, with the query string unless `includeQuery` is false. */
export function requestUri(environ: Environ, includeQuery = true): string {
  let url = applicationUri(environ);
  const pathInfo = quoteLatin1(environ.PATH_INFO ?? '', '/;=,');
  // applicationUri ended in '/' when SCRIPT_NAME was empty; do not double it.
  url += environ.SCRIPT_NAME ? pathInfo : pathInfo.slice(1);
  if (includeQuery && environ.QUERY_STRING) url += '?' + environ.QUERY_STRING;
  return url;
}

/** posixpath.normpath: collapses '.', '..' and repeated slashes (two leading kept). */
export function normpath(path: string): string {
  if (path === '') return '.';
  const initialSlashes = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (!initialSlashes && parts.length === 0) || parts[parts.length - 1] === '..') {
      parts.push(part);
    } else if (parts.length > 0) {
      parts.pop();
    }
  }
  const joined = parts.join('/');
  const result = '/'.repeat(initialSlashes) + joined;
  return result || '.';
}

/**
 * Moves one segment from PATH_INFO to SCRIPT_NAME and returns it, as
 * wsgiref.util.shift_path_info does: `null` when PATH_INFO is empty, '' for a
 * trailing slash, and `null` for a '.' segment. Empty and '.' segments in the middle
 * of PATH_INFO are dropped; SCRIPT_NAME is normalised.
 */
export function shiftPathInfo(environ: Environ): string | null {
  const pathInfo = environ.PATH_INFO ?? '';
  if (!pathInfo) return null;
  const parts = pathInfo.split('/');
  const middle = parts.slice(1, -1).filter((p) => p !== '' && p !== '.');
  const rest = parts.length > 1 ? [parts[0]!, ...middle, parts[parts.length - 1]!] : parts;
  const name = rest[1] ?? '';
  rest.splice(1, 1);
  let scriptName = normpath((environ.SCRIPT_NAME ?? '') + '/' + name);
  if (scriptName.endsWith('/')) scriptName = scriptName.slice(0, -1);
  if (!name && !scriptName.endsWith('/')) scriptName += '/';
  environ.SCRIPT_NAME = scriptName;
  environ.PATH_INFO = rest.join('/');
  return name === '.' ? null : name;
}
