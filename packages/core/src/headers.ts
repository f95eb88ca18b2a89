/**
 * Case-insensitive helpers over a `ResponseHeaders` list, and the checks PEP 3333
 * puts on status lines and headers (shared by the gateway and @tsgi/lint).
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5 (field names and values)
 * @module
 */
import type { ResponseHeaders } from './types.js';

/**
 * Whether header name `name` is `lowerName` (written in lower case), in any case: the
 * one way every package compares a header name. Length and first letter decide most
 * pairs without a lower-case copy of `name` (and V8's `toLowerCase` returns a name
 * already in lower case as it is).
 *
 * @example
 * headerNameIs('Content-Length', 'content-length'); // true
 */
export function headerNameIs(name: string, lowerName: string): boolean {
  return (
    name.length === lowerName.length &&
    (name.charCodeAt(0) | 0x20) === (lowerName.charCodeAt(0) | 0x20) &&
    name.toLowerCase() === lowerName
  );
}

/** The first value of header `name`, or `undefined`. */
export function getHeader(headers: ResponseHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i]!;
    // Written out, not headerNameIs: this runs for every look-up a middleware makes, and
    // the call measured dearer than the inline test (bench/cost, the check stage).
    if (pair[0].length === lower.length && pair[0].toLowerCase() === lower) return pair[1];
  }
  return undefined;
}

/** Every value of header `name`, in order (Set-Cookie and friends repeat). */
export function getHeaders(headers: ResponseHeaders, name: string): string[] {
  const lower = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of headers) if (headerNameIs(key, lower)) values.push(value);
  return values;
}

export function hasHeader(headers: ResponseHeaders, name: string): boolean {
  return getHeader(headers, name) !== undefined;
}

/** Removes every `name` header in place; returns how many were removed. */
export function removeHeader(headers: ResponseHeaders, name: string): number {
  const lower = name.toLowerCase();
  let kept = 0;
  const before = headers.length;
  for (let i = 0; i < before; i++) {
    const pair = headers[i]!;
    if (!headerNameIs(pair[0], lower)) headers[kept++] = pair;
  }
  headers.length = kept;
  return before - kept;
}

/** Replaces every `name` header with one `[name, value]` pair, in place. */
export function setHeader(headers: ResponseHeaders, name: string, value: string): ResponseHeaders {
  removeHeader(headers, name);
  headers.push([name, value]);
  return headers;
}

/**
 * `headers` then `more`, in a new list (an app may answer every request with one
 * constant list, so a middleware adding headers never edits it): filled by index, which
 * V8 does several times faster than `Array.prototype.concat` (a generic builtin that
 * checks each argument for Symbol.isConcatSpreadable) for the few pairs a response has.
 */
export function appendHeaders(headers: ResponseHeaders, more: ResponseHeaders): ResponseHeaders {
  const n = headers.length;
  const out = new Array<[string, string]>(n + more.length);
  for (let i = 0; i < n; i++) out[i] = headers[i]!;
  for (let i = 0; i < more.length; i++) out[n + i] = more[i]!;
  return out;
}

/**
 * Adds `token` to a comma-separated header such as `Vary` unless it is already
 * listed (case-insensitively), in place.
 */
export function appendHeaderToken(headers: ResponseHeaders, name: string, token: string): ResponseHeaders {
  const lower = name.toLowerCase();
  const wanted = token.toLowerCase();
  for (const pair of headers) {
    if (!headerNameIs(pair[0], lower)) continue;
    const tokens = pair[1].split(',').map((t) => t.trim().toLowerCase());
    if (tokens.includes(wanted) || tokens.includes('*')) return headers;
    pair[1] = pair[1].trim() ? `${pair[1]}, ${token}` : token;
    return headers;
  }
  headers.push([name, token]);
  return headers;
}

/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1 and PEP 3333): only the server may send
 * them, an application must not.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

// RFC 9110 token: 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible latin-1 plus space and tab; no CR, LF, NUL or other controls.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS = /^[1-9]\d\d [^\r\n]*$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

export function isValidHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

/**
 * Why `status` breaks PEP 3333, or `undefined` when it is a good status line:
 * three digits, a space, a reason phrase of latin-1 text without CR/LF.
 */
export function checkStatus(status: unknown): string | undefined {
  if (typeof status !== 'string') return `status must be a string such as "200 OK", got ${typeof status}`;
  if (!STATUS.test(status)) {
    return `status must be three digits, a space and a reason phrase (e.g. "200 OK"), got ${JSON.stringify(status)}`;
  }
  if (!FIELD_VALUE.test(status)) {
    return `status must be latin-1 text without control characters, got ${JSON.stringify(status)}`;
  }
  return undefined;
}

/** Why one header pair breaks PEP 3333, or `undefined` when it is acceptable. */
export function checkHeader(pair: unknown): string | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) {
    return `each header must be a [name, value] pair, got ${describe(pair)}`;
  }
  const [name, value] = pair as [unknown, unknown];
  if (typeof name !== 'string' || typeof value !== 'string') {
    return `header name and value must be strings, got [${typeof name}, ${typeof value}]`;
  }
  if (!TOKEN.test(name)) return `header name ${JSON.stringify(name)} is not an RFC 9110 token`;
  if (!FIELD_VALUE.test(value)) {
    return `header ${name} has a value with CR, LF, a control or a non-latin-1 character: ${JSON.stringify(value)}`;
  }
  if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
    return `header ${name} is hop-by-hop: only the server may set it (PEP 3333)`;
  }
  return undefined;
}

/** Why a header list breaks PEP 3333, or `undefined`. */
export function checkHeaders(headers: unknown): string | undefined {
  if (!Array.isArray(headers)) return `headers must be an array of [name, value] pairs, got ${describe(headers)}`;
  for (const pair of headers) {
    const problem = checkHeader(pair);
    if (problem) return problem;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}
