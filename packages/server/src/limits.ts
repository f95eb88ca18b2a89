/**
 * Request limits and the rules node's parser lets through but gunicorn refuses,
 * checked in the listener before the app is called. Defaults are gunicorn's:
 * a request line of 4094 bytes, 100 header fields, 8190 bytes a field. A refused
 * request gets 414/431/413/400 (501 for a transfer coding it does not implement) with
 * `Connection: close` (see reject.ts).
 *
 * Also refused: an HTTP version other than 1.x (`GET / HTTP/2.0` as text), `*` as the
 * target of anything but OPTIONS, `Transfer-Encoding` on HTTP/1.0 or without a final
 * `chunked` (400), a coding other than `chunked` (`gzip, chunked`: 501), a missing or
 * repeated `Host` (RFC 9112 3.2), a repeated `Content-Type`,
 * and - with `headerMap: 'refuse'` - header names with `_` (otherwise dropped, so
 * `Content_Length` never poses as `CONTENT_LENGTH`).
 *
 * @example
 * serve(app, { limits: { maxBodyBytes: 10 * 1024 * 1024, maxHeaders: 50 } });
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html#security
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3 (request line, 414)
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-5 (431)
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-6.1 (Transfer-Encoding, 501)
 * @module
 */
import type { IncomingMessage } from 'node:http';

export interface LimitsOptions {
  /**
   * Most bytes in the request line (method, target, version); longer gets 414.
   * @default 4094
   */
  maxRequestLine?: number;
  /**
   * Most header fields; more gets 431.
   * @default 100
   */
  maxHeaders?: number;
  /**
   * Most bytes in one header field line (`Name: value` and its CRLF); longer gets 431.
   * @default 8190
   */
  maxHeaderFieldBytes?: number;
  /**
   * Most request body bytes. A larger Content-Length gets 413 before the app runs;
   * a chunked body gets 413 as soon as it passes the limit. Infinity for none.
   * @default Infinity
   */
  maxBodyBytes?: number;
  /**
   * Header names with `_`: 'drop' them (as nginx and gunicorn do) or 'refuse' the request.
   * @default 'drop'
   */
  headerMap?: 'drop' | 'refuse';
  /**
   * Hold a chunked request until its body is complete or a buffer's worth
   * (16 KiB) has arrived before calling the app, so a malformed chunk, a forbidden
   * trailer or an oversized small body is refused before the app runs (like nginx's
   * request buffering). false hands the app the stream at once.
   * @default true
   */
  bufferChunked?: boolean;
}

export type Limits = Required<LimitsOptions>;

export const LIMIT_DEFAULTS = {
  maxRequestLine: 4094,
  maxHeaders: 100,
  maxHeaderFieldBytes: 8190,
  maxBodyBytes: Infinity,
  headerMap: 'drop',
  bufferChunked: true,
} as const satisfies Limits;

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0) || (value !== Infinity && !Number.isInteger(value))) {
    throw new TypeError(`tsgi server: limits.${name} must be a positive integer or Infinity, got ${String(value)}`);
  }
  return value;
}

/** Checks the limits and fills in gunicorn's defaults. */
export function resolveLimits(options: LimitsOptions = {}): Limits {
  if (typeof options !== 'object' || options === null) throw new TypeError('tsgi server: limits must be an object');
  const headerMap = options.headerMap ?? LIMIT_DEFAULTS.headerMap;
  if (headerMap !== 'drop' && headerMap !== 'refuse') {
    throw new TypeError(`tsgi server: limits.headerMap must be 'drop' or 'refuse', got ${String(headerMap)}`);
  }
  const bufferChunked = options.bufferChunked ?? LIMIT_DEFAULTS.bufferChunked;
  if (typeof bufferChunked !== 'boolean') throw new TypeError('tsgi server: limits.bufferChunked must be a boolean');
  return {
    maxRequestLine: positive('maxRequestLine', options.maxRequestLine ?? LIMIT_DEFAULTS.maxRequestLine),
    maxHeaders: positive('maxHeaders', options.maxHeaders ?? LIMIT_DEFAULTS.maxHeaders),
    maxHeaderFieldBytes: positive('maxHeaderFieldBytes', options.maxHeaderFieldBytes ?? LIMIT_DEFAULTS.maxHeaderFieldBytes),
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes ?? LIMIT_DEFAULTS.maxBodyBytes),
    headerMap,
    bufferChunked,
  };
}

/** A refusal: the status to answer and why. Shared constants, so checking allocates nothing. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

const refusal = (status: number, reason: string): Refusal => Object.freeze({ status, reason });
export const REFUSALS = {
  version: refusal(400, 'unsupported HTTP version'),
  asterisk: refusal(400, "'*' target on a method other than OPTIONS"),
  requestLine: refusal(414, 'request line too long'),
  headerCount: refusal(431, 'too many header fields'),
  headerField: refusal(431, 'header field too long'),
  underscore: refusal(400, "header name with '_'"),
  duplicateHost: refusal(400, 'repeated Host header'),
  missingHost: refusal(400, 'HTTP/1.1 request without Host'),
  duplicateContentType: refusal(400, 'repeated Content-Type header'),
  chunkedOn10: refusal(400, 'Transfer-Encoding on HTTP/1.0'),
  notChunked: refusal(400, 'Transfer-Encoding without a final chunked'),
  transferCoding: refusal(501, 'Transfer-Encoding other than chunked'),
  bodyTooLarge: refusal(413, 'request body too large'),
  trailer: refusal(400, 'forbidden trailer field'),
} as const;

// ' ' + ' ' + 'HTTP/1.1': what the request line holds besides method and target.
const LINE_OVERHEAD = 10;

/** The first rule `req` breaks, or null. One pass over `rawHeaders`. */
export function checkRequest(req: IncomingMessage, limits: Limits): Refusal | null {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor > 1) return REFUSALS.version;
  const url = req.url ?? '';
  const method = req.method ?? '';
  if (url === '*' && method !== 'OPTIONS') return REFUSALS.asterisk;
  if (method.length + url.length + LINE_OVERHEAD > limits.maxRequestLine) return REFUSALS.requestLine;
  const raw = req.rawHeaders;
  if (raw.length > limits.maxHeaders * 2) return REFUSALS.headerCount;
  const fieldMax = limits.maxHeaderFieldBytes - 4; // ': ' and CRLF
  const refuseUnderscore = limits.headerMap === 'refuse';
  let hosts = 0;
  let types = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length + raw[i + 1]!.length > fieldMax) return REFUSALS.headerField;
    // Singleton fields that change how the request is routed or read (RFC 9110 5.3).
    // Written out, not core's headerNameIs: this runs for every header of every request,
    // and the call measured dearer here (bench/cost's check stage, docs/benchmarks.md).
    if (name.length === 4 && (name.charCodeAt(0) | 0x20) === 104 /* h */ && name.toLowerCase() === 'host') hosts++;
    else if (name.length === 12 && (name.charCodeAt(0) | 0x20) === 99 /* c */ && name.toLowerCase() === 'content-type') types++;
    else if (refuseUnderscore && name.includes('_')) return REFUSALS.underscore;
  }
  if (hosts > 1) return REFUSALS.duplicateHost;
  // serve() turns node's own check off so that the limits above are answered first.
  if (hosts === 0 && req.httpVersionMinor === 1) return REFUSALS.missingHost;
  if (types > 1) return REFUSALS.duplicateContentType;
  const headers = req.headers;
  const coding = headers['transfer-encoding'];
  if (coding !== undefined) {
    if (req.httpVersionMinor === 0) return REFUSALS.chunkedOn10;
    const problem = checkTransferCoding(coding);
    if (problem !== null) return problem;
  }
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > limits.maxBodyBytes) return REFUSALS.bodyTooLarge;
  return null;
}

/**
 * The one request transfer coding this server implements is `chunked`, alone (node
 * joins repeated fields with ', '). Without a final `chunked` the body's length cannot
 * be known: 400 (RFC 9112 6.3). A final `chunked` after other codings (`gzip, chunked`,
 * `identity, chunked`) would hand the app coded bytes as if they were the body: 501
 * (RFC 9112 6.1), and the app is never called.
 */
function checkTransferCoding(value: string): Refusal | null {
  // The common case, without splitting.
  if (value.length === 7 && value.toLowerCase() === 'chunked') return null;
  // Empty list elements are allowed (RFC 9110 5.6.1).
  const codings = value.split(',').map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== '');
  if (codings[codings.length - 1] !== 'chunked') return REFUSALS.notChunked;
  return codings.length === 1 ? null : REFUSALS.transferCoding;
}

/**
 * Trailer fields a sender must not put in trailers (framing, routing, request
 * modifiers, authentication, content metadata).
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-6.5.1
 */
const FORBIDDEN_TRAILERS = new Set([
  'authorization', 'cache-control', 'content-encoding', 'content-length', 'content-range', 'content-type',
  'cookie', 'expect', 'host', 'max-forwards', 'pragma', 'proxy-authorization', 'range', 'te', 'trailer',
  'transfer-encoding',
]);

/** A refusal for a received trailer that RFC 9110 forbids, or null. */
export function checkTrailers(req: IncomingMessage): Refusal | null {
  const raw = req.rawTrailers;
  for (let i = 0; i < raw.length; i += 2) if (FORBIDDEN_TRAILERS.has(raw[i]!.toLowerCase())) return REFUSALS.trailer;
  return null;
}
