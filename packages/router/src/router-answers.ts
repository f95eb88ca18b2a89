/**
 * The small answers dispatchers give themselves (404, 400, 405, 204 for OPTIONS,
 * 308 for a trailing slash), and quoting a PATH_INFO back into a URL path.
 *
 * Each call builds a fresh header list and body array: middleware above may edit
 * headers in place or hang a `close` on the body, so nothing is shared between
 * requests except the immutable bytes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6 (405 and Allow)
 * @module
 */
import { HttpError, statusLine, type Application, type Body, type StartResponse } from '@tsgi/core';

const TEXT = 'text/plain; charset=utf-8';

/** What stays the same between two answers with one code: made on first use. */
interface Canned {
  readonly line: string;
  readonly bytes: Uint8Array;
  readonly length: string;
}
// By status code (an array index, not a Map: one element load per answer).
const canned: Array<Canned | undefined> = [];

function cannedFor(code: number): Canned {
  let c = canned[code];
  if (c === undefined) {
    const line = statusLine(code);
    const bytes = new TextEncoder().encode(line.slice(4) + '\n');
    canned[code] = c = { line, bytes, length: String(bytes.byteLength) };
  }
  return c;
}

/**
 * A plain-text response whose body is the reason phrase; `extra` is the one header
 * such an answer may carry besides its own (a 405's `Allow`, a 308's `Location`).
 */
export function textResponse(startResponse: StartResponse, code: number, extra?: [string, string]): Body {
  const c = cannedFor(code);
  if (code === 204 || code === 304) {
    startResponse(c.line, extra === undefined ? [] : [extra]);
    return [];
  }
  // One list of its final length: no growing.
  const headers: Array<[string, string]> =
    extra === undefined ? [['Content-Type', TEXT], ['Content-Length', c.length]] : [['Content-Type', TEXT], ['Content-Length', c.length], extra];
  startResponse(c.line, headers);
  return [c.bytes];
}

/**
 * `textResponse` for `router({ throwHttpErrors: true })`: a 4xx is thrown as an
 * `HttpError` with the same extra header (`Allow`), for `httpErrors()` above to render.
 */
export function throwingResponse(startResponse: StartResponse, code: number, extra?: [string, string]): Body {
  if (code < 400) return textResponse(startResponse, code, extra);
  throw new HttpError(code, undefined, extra === undefined ? {} : { headers: [extra] });
}

/** The `notFound` app under `throwHttpErrors`: throws a 404 `HttpError`. */
export const throwNotFoundApp: Application = function notFound() {
  throw new HttpError(404);
};

/** The default `notFound` app: `404 Not Found`, plain text. */
export const notFoundApp: Application = function notFound(_environ, startResponse) {
  return textResponse(startResponse, 404);
};

// RFC 3986 pchar plus '/': what may stay unescaped in a path.
const SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;
const HEX = '0123456789ABCDEF';

/** Percent-encodes a PATH_INFO-style string (one latin-1 code unit per byte) for a Location header. */
export function quotePath(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    const code = path.charCodeAt(i);
    if (SAFE.test(ch)) out += ch;
    else if (code < 256) out += '%' + HEX[code >> 4] + HEX[code & 15];
    else out += encodeURIComponent(ch);
  }
  return out;
}
