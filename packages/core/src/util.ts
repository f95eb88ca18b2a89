/**
 * wsgiref.util for tsgi: rebuilding URLs from an environ and moving path segments
 * from PATH_INFO to SCRIPT_NAME, with the semantics CPython documents.
 *
 * @see https://docs.python.org/3/library/wsgiref.html#module-wsgiref.util
 * @module
 */
import { quoteLatin1, safeChars } from './quote-path.js';
import type { Environ } from './types.js';

// urllib.parse.quote's safe sets in wsgiref.util: '/' for application_uri, '/;=,' for
// the PATH_INFO of request_uri.
const SCRIPT_SAFE = safeChars('/');
const PATH_INFO_SAFE = safeChars('/;=,');

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
  return url + quoteLatin1(environ.SCRIPT_NAME || '/', SCRIPT_SAFE);
}

/** The full request URI, with the query string unless `includeQuery` is false. */
export function requestUri(environ: Environ, includeQuery = true): string {
  let url = applicationUri(environ);
  const pathInfo = quoteLatin1(environ.PATH_INFO ?? '', PATH_INFO_SAFE);
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
