/**
 * One request as the access log sees it: it wraps `startResponse` (to learn the
 * status sent, add the request-id header and count `write()` bytes), attaches to the
 * body the app returns, and writes the line once, when the body is closed or when
 * the app throws before returning a body.
 *
 * It is also the {@link LogInfo} formats read: fields such as `path` and `user` are
 * getters, computed only if the format asks and read from the environ at the end,
 * after the layers below (auth's REMOTE_USER) have run.
 *
 * @example
 * const entry = new AccessLogEntry(config, environ, startResponse, Date.now());
 * return entry.attach(app(environ, entry.startResponse));
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import {
  arrayBodyLength,
  checkBody,
  checkChunk,
  getHeader,
  hookClose,
  isAsyncBody,
  isClientDisconnected,
  isNoContentStatus,
  isPromise,
  statusCode,
  type Body,
  type CloseHook,
  type Environ,
  type StartResponse,
  type ResponseHeaders,
  type Write,
} from '@tsgi/core';
import { fileBodyLength, isFileBody } from './file-wrapper-body.js';
import type { LogInfo, Outcome } from './formats.js';
import type { BodyObserver } from './logged-body.js';

import { AsyncLoggedBody, SyncLoggedBody } from './logged-body.js';
import { requestPath, requestTarget } from './request-target.js';
import type { WebSocketWatch } from './websocket-log.js';

/** What an AccessLogEntry needs from its logger, resolved once per `accessLog()` call. */
export interface AccessLogEntryConfig {
  /** Writes the finished request's line, if it is to be logged. */
  write(info: AccessLogEntry): void;
  /** Response header carrying the request id, or `undefined` to add none. */
  readonly requestIdHeader: string | undefined;
  readonly utcOffset: number | undefined;
  /**
   * Whether the format reads `duration`. Apache's formats do not, and then a request
   * skips both `performance.now()` calls (each a call into C++).
   */
  readonly timed: boolean;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export class AccessLogEntry implements LogInfo, BodyObserver, CloseHook {
  readonly startResponse: StartResponse;
  bytes = 0;
  outcome: Outcome = 'ok';
  error: unknown = undefined;
  /** The status line the app gave last (a call with excInfo replaces it). */
  private statusLine: string | undefined = undefined;
  private readonly t0: number;
  private t1 = 0;
  /** Bytes of a body counted up front (an array, a file), added unless the response is bodiless. */
  private knownBytes = 0;
  private headers: ResponseHeaders | undefined = undefined;
  private complete = false;
  /** write() was called: the status went out even if no byte did (PEP 3333). */
  private wrote = false;
  private closed = false;
  private logged = false;
  private innerWrite: Write | undefined = undefined;
  /** For a hooked (not wrapped) body: its own close and the object to call it on. */
  innerClose: (() => void | Promise<void>) | undefined = undefined;
  closeTarget: Body | undefined = undefined;
  private readonly countingWrite: Write;
  /** The WebSocket offer this request carried, watched (timed formats only). */
  socketWatch: WebSocketWatch | undefined = undefined;

  constructor(
    private readonly config: AccessLogEntryConfig,
    readonly environ: Environ,
    private readonly innerStart: StartResponse,
    readonly timestamp: number,
  ) {
    this.t0 = config.timed ? performance.now() : 0;
    // The two callables the app gets and calls unbound. Both are made here, sharing one
    // context: one more context per request (an arrow made in start()) made V8 pretenure
    // the per-request literals of the whole request path (docs/benchmarks.md, figures
    // behind choices in the code).
    this.startResponse = (status, headers, excInfo) => this.start(status, headers, excInfo);
    this.countingWrite = (chunk) => {
      this.bytes += chunk.byteLength;
      this.wrote = true;
      this.innerWrite!(chunk);
    };
  }

  private start(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    const name = this.config.requestIdHeader;
    if (name !== undefined && this.requestId !== undefined && Array.isArray(headers) && getHeader(headers, name) === undefined) {
      // A copy: the app may pass the same constant header list to every request.
      headers = headers.concat([[name, this.requestId]]);
    }
    this.innerWrite = this.innerStart(status, headers, excInfo);
    // Recorded only once the call was accepted: a refused second call changes nothing.
    this.statusLine = status;
    this.headers = headers;
    return this.countingWrite;
  }

  /** Hooks the body the app returned; arrays stay arrays, other iterables are wrapped. */
  attach(body: Body): Body {
    const problem = checkBody(body);
    if (problem !== undefined) {
      // Not a body at all: the gateway (or lint) will refuse it and nothing will close it.
      this.fail(new TypeError(problem));
      return body;
    }
    if (Array.isArray(body)) {
      this.complete = true;
      this.knownBytes = arrayBodyLength(body)!;
      // A chunk that is not bytes: the gateway answers 500 instead of sending it.
      if (Number.isNaN(this.knownBytes)) {
        this.knownBytes = 0;
        this.failed(new TypeError(body.map(checkChunk).find((found) => found !== undefined)));
      }
      return hookClose(body, this);
    }
    if (isFileBody(body)) {
      // Left as it is so the gateway keeps its file fast path, which this layer cannot
      // watch: the bytes are the file's length, and an abort cannot be seen.
      this.complete = true;
      this.knownBytes = fileBodyLength(body, this.headers);
      return hookClose(body, this);
    }
    // Async first, as every walker decides (core's isAsyncBody): adding the log must not
    // change which iterator of a body that has both is walked.
    if (isAsyncBody(body)) return new AsyncLoggedBody(body as AsyncIterable<Uint8Array> & Body, this);
    return new SyncLoggedBody(body as Iterable<Uint8Array> & Body, this);
  }

  /** The app threw before returning a body: log now, the gateway answers 500. */
  fail(error: unknown): void {
    this.failed(error);
    this.finish();
  }

  counted(chunk: Uint8Array | undefined): void {
    this.bytes += chunk?.byteLength ?? 0;
  }

  ended(): void {
    this.complete = true;
  }

  failed(error: unknown): void {
    // The app stopped because the client left mid-upload: that is no app error.
    this.outcome = isClientDisconnected(error) ? 'aborted' : 'error';
    this.error = error;
  }

  close(body: Body): void | Promise<void> {
    return this.closeWith(body, body.close);
  }

  closeHooked(): void | Promise<void> {
    return this.closeWith(this.closeTarget!, this.innerClose);
  }

  private closeWith(target: Body, innerClose: Body['close']): void | Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let result: void | Promise<void>;
    try {
      result = innerClose?.call(target);
    } catch (error) {
      this.finish();
      throw error;
    }
    // Any thenable (core's isPromise, as the gateway awaits it), not only a Promise with finally().
    if (isPromise(result)) return Promise.resolve(result).finally(() => this.finish());
    this.finish();
  }

  /** Once: fixes the outcome and the numbers, then hands the line to the logger. */
  private finish(): void {
    if (this.logged) return;
    this.logged = true;
    if (this.config.timed) this.t1 = performance.now();
    const bodiless = this.bodiless();
    if (!bodiless) this.bytes += this.knownBytes;
    else if (this.outcome === 'ok') this.bytes = 0;
    // HEAD and 1xx/204/205/304 bodies are closed without being iterated; that is no abort.
    if (this.outcome === 'ok' && !this.complete && !bodiless) this.outcome = 'aborted';
    // A switched connection is logged when it ends, with its life and bytes.
    if (this.socketWatch !== undefined && this.status === 101 && this.socketWatch.holds(() => this.connectionEnded())) return;
    this.config.write(this);
  }

  private connectionEnded(): void {
    this.t1 = performance.now();
    this.bytes = this.socketWatch!.sent;
    this.config.write(this);
  }

  /** How a switched connection ended, for the formats; undefined for every other request. */
  get websocket(): WebSocketWatch | undefined {
    const watch = this.socketWatch;
    return watch !== undefined && watch.ended && this.status === 101 ? watch : undefined;
  }

  private bodiless(): boolean {
    if (this.environ.REQUEST_METHOD === 'HEAD') return true;
    const code = this.status;
    return isNoContentStatus(code);
  }

  /**
   * The status the client got: the app's once anything went out; before that, 499
   * (nginx's "client closed request") when the client left, and 500 when the app
   * failed (the gateway answers 500) or never called startResponse.
   */
  get status(): number {
    if (this.outcome !== 'ok' && this.bytes === 0 && !this.wrote) return this.outcome === 'aborted' ? 499 : 500;
    return this.statusLine === undefined ? 500 : statusCode(this.statusLine);
  }

  /**
   * Read from the environ when asked, not when the request came in: a `requestId()`
   * below this layer may set it after the logger did, and the line must carry the id
   * the client got.
   */
  get requestId(): string | undefined {
    return stringOrUndefined(this.environ['tsgi.request_id']);
  }
  get time(): Date {
    return new Date(this.timestamp);
  }
  get utcOffset(): number | undefined {
    return this.config.utcOffset;
  }
  /** Milliseconds taken; 0 when the format was known not to read it (`timed` false). */
  get duration(): number {
    if (!this.config.timed) return 0;
    return (this.logged ? this.t1 : performance.now()) - this.t0;
  }
  get method(): string {
    return this.environ.REQUEST_METHOD;
  }
  get path(): string {
    return requestPath(this.environ);
  }
  get query(): string {
    return this.environ.QUERY_STRING ?? '';
  }
  get target(): string {
    return requestTarget(this.environ);
  }
  get protocol(): string {
    return this.environ.SERVER_PROTOCOL;
  }
  get remoteAddr(): string | undefined {
    return stringOrUndefined(this.environ.REMOTE_ADDR);
  }
  get user(): string | undefined {
    return stringOrUndefined(this.environ.REMOTE_USER);
  }
  get userAgent(): string | undefined {
    return stringOrUndefined(this.environ.HTTP_USER_AGENT);
  }
  get referer(): string | undefined {
    return stringOrUndefined(this.environ.HTTP_REFERER);
  }
}
