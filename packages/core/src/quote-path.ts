/**
 * Turning PATH_INFO and SCRIPT_NAME (percent-decoded, latin-1 "bytes as string") back
 * into a URL path, for code that rebuilds a request: a fetch Request, a node request,
 * a log line. When the gateway kept the raw target (`REQUEST_URI`, or gunicorn's
 * `RAW_URI`) and no middleware has moved the path since, that raw path is the one to
 * use: re-quoting cannot tell `/a%2Fb` from `/a/b`, and a URL parser would read a
 * dot segment into `/.%2F` once it is decoded.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.3 (pchar)
 * @see https://peps.python.org/pep-3333/#url-reconstruction
 * @module
 */
import { decodePathInfo } from './cgi.js';
import type { Environ } from './types.js';

const HEX = '0123456789ABCDEF';

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** A table of the ASCII characters that stay as they are: the RFC 3986 unreserved ones plus `extra`. */
export function safeChars(extra: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const ch of UNRESERVED + extra) table[ch.charCodeAt(0)] = 1;
  return table;
}

// Characters that stand for themselves in a path: unreserved, sub-delims, ':' '@' '/'.
const PATH_SAFE = safeChars("!$&'()*+,;=:@/");

const encoder = new TextEncoder();

function isSafe(safe: Uint8Array, code: number): boolean {
  return code < 128 && safe[code] === 1;
}

/** A decoded (latin-1) path quoted back to its wire form; returned as is when nothing needs it. */
export function quotePath(path: string): string {
  return quoteLatin1(path, PATH_SAFE);
}

/**
 * urllib.parse.quote(path, safe, encoding='latin1'): each char of a latin-1 "bytes as
 * string" is one byte; those not in `safe` become `%XX`. A char above U+00FF (a layer
 * set a real Unicode string) is quoted as its UTF-8 bytes rather than lost.
 */
export function quoteLatin1(path: string, safe: Uint8Array): string {
  let i = 0;
  const length = path.length;
  while (i < length && isSafe(safe, path.charCodeAt(i))) i++;
  if (i === length) return path;
  let out = path.slice(0, i);
  for (; i < length; i++) {
    const code = path.charCodeAt(i);
    if (isSafe(safe, code)) out += path[i];
    else if (code < 256) out += '%' + HEX[code >> 4] + HEX[code & 15];
    else {
      // Not a latin-1 byte: a layer set a real Unicode path; quote its UTF-8 bytes
      // (a lone surrogate becomes U+FFFD's, as TextEncoder would send it).
      const width = path.codePointAt(i)! > 0xffff ? 2 : 1;
      for (const byte of encoder.encode(path.slice(i, i + width))) out += '%' + HEX[byte >> 4] + HEX[byte & 15];
      i += width - 1;
    }
  }
  return out;
}

/**
 * The path of the raw request target (`REQUEST_URI` or `RAW_URI`, without the query)
 * when it still decodes to SCRIPT_NAME + PATH_INFO, i.e. no middleware has moved or
 * rewritten the path; otherwise `undefined`.
 */
export function rawRequestPath(environ: Environ): string | undefined {
  const uri = environ.REQUEST_URI ?? environ.RAW_URI;
  if (typeof uri !== 'string' || uri.charCodeAt(0) !== 47 /* / */) return undefined;
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  const full = (environ.SCRIPT_NAME ?? '') + (environ.PATH_INFO ?? '');
  if (path === full) return path;
  return path.includes('%') && decodePathInfo(path) === full ? path : undefined;
}
