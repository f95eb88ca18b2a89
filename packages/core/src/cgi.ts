/**
 * The two CGI conversions every gateway makes, written once: a request header name
 * to its environ key, and a URL path to PATH_INFO's "bytes as a string".
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @see https://peps.python.org/pep-3333/#unicode-issues
 * @module
 */

// Header name (as the client spelled it) -> environ key. Clients repeat the same few
// spellings, so the upper-casing is done once per spelling, not once per request.
const KEY_CACHE = new Map<string, string | null>();
const KEY_CACHE_LIMIT = 2000;

/**
 * `'User-Agent'` -> `'HTTP_USER_AGENT'`; Content-Type and Content-Length lose the
 * prefix. A name with an underscore gives `null`: it must be dropped, so that
 * `Content_Length` can never pose as `CONTENT_LENGTH` (gunicorn and nginx do the same).
 */
export function environKey(name: string): string | null {
  let key = KEY_CACHE.get(name);
  if (key !== undefined) return key;
  const lower = name.toLowerCase();
  if (lower === 'content-type') key = 'CONTENT_TYPE';
  else if (lower === 'content-length') key = 'CONTENT_LENGTH';
  else if (name.includes('_')) key = null;
  else key = 'HTTP_' + name.toUpperCase().replaceAll('-', '_');
  // A bounded cache: a client inventing names cannot grow it without limit.
  if (KEY_CACHE.size < KEY_CACHE_LIMIT) KEY_CACHE.set(name, key);
  return key;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  code |= 0x20; // fold A-F onto a-f
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Percent-decodes a path into one char per byte (latin-1), as PEP 3333 wants
 * `PATH_INFO`: `/%E4` gives `'\xe4'`. The input is the path as it came off the wire,
 * one char per byte. A `%` not followed by two hex digits stays as it is, like
 * Python's `unquote_to_bytes`.
 */
export function decodePathInfo(path: string): string {
  let i = path.indexOf('%');
  if (i === -1) return path;
  let out = path.slice(0, i);
  const n = path.length;
  while (i < n) {
    const next = path.indexOf('%', i);
    if (next === -1) return out + path.slice(i);
    out += path.slice(i, next);
    const hi = next + 2 < n ? hexValue(path.charCodeAt(next + 1)) : -1;
    const lo = hi === -1 ? -1 : hexValue(path.charCodeAt(next + 2));
    if (lo === -1) {
      out += '%';
      i = next + 1;
    } else {
      out += String.fromCharCode(hi * 16 + lo);
      i = next + 3;
    }
  }
  return out;
}

// 'HTTP_USER_AGENT' -> 'user-agent', computed once per key; bounded so a client
// inventing header names cannot grow it without limit.
const NAME_CACHE = new Map<string, string>();
const NAME_CACHE_LIMIT = 1000;

/**
 * The header name an `HTTP_*` environ key stands for, lower-cased: the inverse of
 * {@link environKey}, for gateways that rebuild a request (fetch, node:http) from an
 * environ. `CONTENT_TYPE` and `CONTENT_LENGTH` are not `HTTP_*` keys; name them directly.
 */
export function headerName(key: string): string {
  let name = NAME_CACHE.get(key);
  if (name === undefined) {
    name = key.slice(5).toLowerCase().replaceAll('_', '-');
    if (NAME_CACHE.size < NAME_CACHE_LIMIT) NAME_CACHE.set(key, name);
  }
  return name;
}

/**
 * The header name an environ key carries, or `undefined` for keys that are not request
 * headers: `HTTP_*` through {@link headerName}, and the two CGI keys without the prefix.
 */
export function requestHeaderName(key: string): string | undefined {
  if (key.startsWith('HTTP_')) return headerName(key);
  if (key === 'CONTENT_TYPE') return 'content-type';
  if (key === 'CONTENT_LENGTH') return 'content-length';
  return undefined;
}
