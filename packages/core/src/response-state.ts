/**
 * The response side of the contract, written once: what `startResponse`, `write()`
 * and the chunks of the returned body may do, and how many bytes may go out. The
 * server gateway, `toFetch` and `testClient` keep one `ResponseState` per request and
 * supply only how bytes leave; `lint()` keeps one too and reports a breach under its
 * rule id. Like `PullInputStream` on the input side, it does no I/O itself.
 *
 * - `start()`: status and headers checked (core's `checkStatus`/`checkHeader`, one
 *   Content-Length of digits at most); a second call is fatal unless it carries
 *   `excInfo`, also when the first call was refused; with `excInfo` after the headers
 *   went out, `excInfo` is thrown again.
 * - `checkWrite()`/`checkChunk()`: bytes only, and none before `startResponse`.
 *   The first `write()` sends the headers even when empty; an empty chunk does not.
 * - `take(n)`: how many of n body bytes fit the app's Content-Length.
 * - `bodyAllowed`: no content for HEAD, 1xx, 204, 205 and 304.
 * - `101 Switching Protocols` only with `switchAllowed` (the app accepted the
 *   WebSocket offer; see websocket-upgrade.ts).
 *
 * @example
 * const state = new ResponseState(environ.REQUEST_METHOD === 'HEAD');
 * const startResponse: StartResponse = (status, headers, excInfo) => {
 *   state.start(status, headers, excInfo);
 *   return write;
 * };
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import { checkChunk, describeValue } from './body-check.js';
import { HOP_BY_HOP_HEADERS, checkHeader, checkHeaders, checkStatus, headerNameIs, isValidHeaderValue } from './headers.js';
import { isNoContentStatus, statusCode } from './status.js';
import type { ResponseHeaders } from './types.js';

/** The rule a `ResponseError` breaks; the ids are @tsgi/lint's rule ids. */
export type ResponseRule =
  | 'start-response.twice'
  | 'start-response.late'
  | 'start-response.missing'
  | 'status.format'
  | 'headers.format'
  | 'headers.hop-by-hop'
  | 'headers.content-length'
  | 'write.type'
  | 'body.chunk-type'
  | 'body.content-length'
  | 'body.no-content'
  | 'websocket.status'
  | 'websocket.accept'
  | 'websocket.handlers';

/** A breach of the response rules by the app; `rule` says which. */
export class ResponseError extends TypeError {
  override name = 'ResponseError';
  constructor(
    readonly rule: ResponseRule,
    message: string,
  ) {
    super(message);
  }
}

const DIGITS = /^\d+$/;
const NO_HEADERS: ResponseHeaders = [];

// Apps send the same few status lines and header names on every response: each
// spelling is checked once, and later ones are a Map look-up instead of two regular
// expressions and a lower-casing. Both are strings (immutable), so what passed stays
// good. Bounded, so an app inventing names cannot grow them without limit.
const CACHE_LIMIT = 500;
/** Status lines that passed `checkStatus`. 101 is never kept: its rule depends on the request. */
const GOOD_STATUS = new Set<string>();
/** Header names that are RFC 9110 tokens and not hop-by-hop; true for Content-Length. */
const GOOD_NAMES = new Map<string, boolean>();

/** The response of one request as the contract sees it: set by the app, read by the output. */
export class ResponseState {
  /** The status line the app set, once it has. */
  status: string | undefined = undefined;
  /** The status code of `status` (0 before). */
  code = 0;
  headers: ResponseHeaders = NO_HEADERS;
  /** The app's Content-Length, or -1 when it gave none. */
  contentLength = -1;
  /** Status and headers are final: a `write()` or a non-empty chunk went to the output. */
  headersSent = false;
  /** Body bytes `take()` let through. */
  written = 0;
  /** A chunk went past the app's Content-Length and was cut there. */
  overflow = false;
  /** `startResponse` was called, even if that call was refused. */
  called = false;
  /**
   * A `101 Switching Protocols` may be set: the app accepted the WebSocket offer
   * (`environ['tsgi.websocket'].accept()`). Every other 101 is refused here, the one
   * place the rule lives; the gateways' `WebSocketUpgrade` and lint set it.
   */
  switchAllowed = false;

  /** `head`: the request was HEAD, so no body goes out whatever the status. */
  constructor(readonly head: boolean) {}

  /**
   * PEP 3333's `start_response` rules. Throws a `ResponseError`, or `excInfo` itself
   * when it comes after the headers went out; else status and headers are the app's.
   */
  start(status: string, headers: ResponseHeaders, excInfo?: unknown): void {
    this.accept(status, headers, this.checkStart(status, headers, excInfo));
  }

  /**
   * The checks of `start()` without taking the status: counts the call, and returns
   * the app's Content-Length (-1 for none). For a caller with checks of its own
   * (lint) before `accept()`.
   */
  checkStart(status: string, headers: ResponseHeaders, excInfo?: unknown): number {
    if (excInfo !== undefined && excInfo !== null) {
      // Too late to change anything once headers are out: re-raise (PEP 3333).
      if (this.headersSent) throw excInfo;
    } else if (this.called) {
      throw new ResponseError(
        'start-response.twice',
        this.status === undefined
          ? `startResponse(${JSON.stringify(status)}) was called again after a call that was refused; only a call with excInfo may follow (PEP 3333)`
          : `startResponse(${JSON.stringify(status)}) was called a second time without excInfo (the first set ${JSON.stringify(this.status)})`,
      );
    }
    this.called = true;
    if (!GOOD_STATUS.has(status)) this.checkStatusLine(status);
    if (!Array.isArray(headers)) throw new ResponseError('headers.format', checkHeaders(headers)!);
    // One pass: each header checked, and Content-Length noted for the output.
    let length = -1;
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i]!;
      // A name seen before needs only its value checked.
      let lengthHeader =
        Array.isArray(pair) && pair.length === 2 && typeof pair[1] === 'string' && isValidHeaderValue(pair[1])
          ? GOOD_NAMES.get(pair[0])
          : undefined;
      if (lengthHeader === undefined) lengthHeader = checkPair(pair);
      if (lengthHeader) {
        if (length !== -1 || !DIGITS.test(pair[1])) {
          throw new ResponseError(
            'headers.content-length',
            `Content-Length must be one header of digits, got ${JSON.stringify(pair[1])}${length !== -1 ? ' (a second one)' : ''}`,
          );
        }
        length = Number(pair[1]);
      }
    }
    return length;
  }

  /** `start()`'s status rules, for a status line not seen before: the format, and 101 only after accept(). */
  private checkStatusLine(status: string): void {
    const problem = checkStatus(status);
    if (problem !== undefined) throw new ResponseError('status.format', problem);
    if (status.charCodeAt(0) === 49 && status.startsWith('101')) {
      if (!this.switchAllowed) {
        throw new ResponseError(
          'websocket.status',
          `startResponse(${JSON.stringify(status)}) without accept(): a 101 only follows environ['tsgi.websocket'].accept(handlers)`,
        );
      }
    } else if (GOOD_STATUS.size < CACHE_LIMIT) GOOD_STATUS.add(status);
  }

  /** Takes a status and headers that passed `checkStart()`. */
  accept(status: string, headers: ResponseHeaders, length: number): void {
    this.status = status;
    this.code = statusCode(status);
    this.headers = headers;
    this.contentLength = length;
  }

  /** The rules for the `write()` callable's argument: after `startResponse`, bytes. */
  checkWrite(chunk: unknown): void {
    if (this.status === undefined) throw new ResponseError('start-response.late', 'write() was called before startResponse()');
    if (!(chunk instanceof Uint8Array)) throw new ResponseError('write.type', `write() takes a Uint8Array, got ${describeValue(chunk)}`);
  }

  /** The rules for a chunk of the returned body: bytes, and none before `startResponse`. */
  checkChunk(chunk: unknown): void {
    const problem = checkChunk(chunk);
    if (problem !== undefined) throw new ResponseError('body.chunk-type', problem);
    if (this.status === undefined && (chunk as Uint8Array).byteLength > 0) {
      throw new ResponseError('start-response.late', 'the body yielded bytes before startResponse() was called');
    }
  }

  /** False for HEAD and for 1xx, 204, 205 and 304 (RFC 9110 15): headers only. */
  get bodyAllowed(): boolean {
    return !this.head && !isNoContentStatus(this.code);
  }

  /**
   * Counts `n` more body bytes and returns how many of them may go out: all, or what
   * is left of the app's Content-Length (then `overflow` is set).
   */
  take(n: number): number {
    const limit = this.contentLength;
    if (limit >= 0 && this.written + n > limit) {
      this.overflow = true;
      n = limit - this.written;
    }
    this.written += n;
    return n;
  }

  /**
   * Why the response cannot end well now, or `undefined`: no `startResponse`, or fewer
   * body bytes than the app's Content-Length (a body too long is `overflow`).
   */
  endProblem(): ResponseError | undefined {
    if (this.status === undefined) {
      return new ResponseError('start-response.missing', 'the app returned its body without calling startResponse()');
    }
    if (this.contentLength > this.written && this.bodyAllowed) {
      return new ResponseError(
        'body.content-length',
        `the body ended after ${this.written} bytes but Content-Length is ${this.contentLength}`,
      );
    }
    return undefined;
  }
}

/** The full check of one header pair; true when it is a Content-Length (its value is checked by the caller). */
function checkPair(pair: [string, string]): boolean {
  const bad = checkHeader(pair);
  if (bad !== undefined) {
    throw new ResponseError(HOP_BY_HOP_HEADERS.has(String(pair[0]).toLowerCase()) ? 'headers.hop-by-hop' : 'headers.format', bad);
  }
  const name = pair[0];
  const lengthHeader = headerNameIs(name, 'content-length');
  if (GOOD_NAMES.size < CACHE_LIMIT) GOOD_NAMES.set(name, lengthHeader);
  return lengthHeader;
}

/** The answer every output gives to an error before the headers went out. */
export const INTERNAL_ERROR = Object.freeze({
  status: '500 Internal Server Error',
  body: new TextEncoder().encode('Internal Server Error\n'),
  /** A fresh list each time: a caller may change it. */
  headers(): ResponseHeaders {
    return [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', '22'],
    ];
  },
});
