/**
 * One request as the access log sees it, told by core's {@link wrapResponse} through
 * {@link ENTRY_HOOKS}: the request-id header added on the way up (`start`), the status
 * and headers the client got (`sent`), the bytes that went up (`bytes`: counted, not
 * seen; an array body's total at once), how the body's iteration ended (`end`), and
 * the moment the body was closed (`close`), when the line is written. An app that
 * throws before returning a body is logged by the caller ({@link AccessLogEntry.fail}).
 * The wrapper does the rest: no holder of startResponse or sync/async body pair here,
 * and a body is walked as every walker walks it (core's isAsyncBody, async first).
 *
 * It is also the {@link LogInfo} formats read: fields such as `path` and `user` are
 * getters, computed only if the format asks and read from the environ at the end,
 * after the layers below (auth's REMOTE_USER) have run.
 *
 * @example
 * const entry = new AccessLogEntry(config, environ, Date.now());
 * return entry.attach(wrapResponse(app, environ, startResponse, entry.hooks, entry));
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import {
  checkBody,
  checkChunk,
  getHeader,
  isClientDisconnected,
  isNoContentStatus,
  statusCode,
  type Body,
  type Environ,
  type ResponseHead,
  type ResponseHeaders,
  type ResponseHooks,
} from '@tsgi/core';
import { fileBodyLength, isFileBody } from './file-wrapper-body.js';
import type { LogInfo, Outcome } from './formats.js';
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

/** What the response wrapper tells an entry; one object for every request. */
const HOOKS: ResponseHooks<AccessLogEntry> = {
  sent(head, entry) {
    entry.sent(head);
  },
  bytes(length, entry) {
    entry.counted(length);
  },
  end(entry, error) {
    entry.ended(error);
  },
  close(entry) {
    entry.finish();
  },
};

/** The same, adding the request-id header on the way up (when no requestId() above did). */
const HOOKS_WITH_ID: ResponseHooks<AccessLogEntry> = {
  ...HOOKS,
  start(head, entry) {
    entry.addRequestId(head);
  },
};

export class AccessLogEntry implements LogInfo {
  /** The response wrapper's hooks for this entry's logger. */
  readonly hooks: ResponseHooks<AccessLogEntry>;
  bytes = 0;
  outcome: Outcome = 'ok';
  error: unknown = undefined;
  /** The status line the client got (a call with excInfo the gateway accepted replaces it). */
  private statusLine: string | undefined = undefined;
  private readonly t0: number;
  private t1 = 0;
  private headers: ResponseHeaders | undefined = undefined;
  private complete = false;
  /** Something went up: a write() (even empty, PEP 3333: it sends the status) or a byte. */
  private wentUp = false;
  /** An array body with a chunk that is not bytes: the gateway answers 500. */
  private brokenArray = false;
  private logged = false;
  /** The WebSocket offer this request carried, watched (timed formats only). */
  socketWatch: WebSocketWatch | undefined = undefined;

  constructor(
    private readonly config: AccessLogEntryConfig,
    readonly environ: Environ,
    readonly timestamp: number,
  ) {
    this.t0 = config.timed ? performance.now() : 0;
    this.hooks = config.requestIdHeader === undefined ? HOOKS : HOOKS_WITH_ID;
  }

  /** `start`: the request-id header, unless the app set one. */
  addRequestId(head: ResponseHead): void {
    const name = this.config.requestIdHeader!;
    const headers = head.headers;
    if (this.requestId !== undefined && Array.isArray(headers) && getHeader(headers, name) === undefined) {
      // A new list: the app may pass the same constant header list to every request.
      head.headers = headers.concat([[name, this.requestId]]);
    }
  }

  /** `sent`: the layer above accepted this head (a refused second call changes nothing). */
  sent(head: ResponseHead): void {
    this.statusLine = head.status;
    this.headers = head.headers;
  }

  /** `bytes`: what went up; NaN is an array body with a chunk that is not bytes. */
  counted(length: number): void {
    if (length !== length) {
      this.brokenArray = true;
      return;
    }
    this.bytes += length;
    this.wentUp = true;
  }

  /** `end`: the iteration finished, or threw `error`. */
  ended(error: unknown): void {
    if (error === undefined) this.complete = true;
    else this.failed(error);
  }

  /** Checks the body the wrapper handed up: not a body, a broken array, a file. */
  attach(body: Body): Body {
    if (Array.isArray(body)) {
      if (this.brokenArray) this.failed(new TypeError(body.map(checkChunk).find((found) => found !== undefined)));
      return body;
    }
    const problem = checkBody(body);
    if (problem !== undefined) {
      // Not a body at all: the gateway (or lint) will refuse it and nothing will close it.
      this.fail(new TypeError(problem));
    } else if (isFileBody(body)) {
      // Left as it is so the gateway keeps its file fast path, which this layer cannot
      // watch: the bytes are the file's length, and an abort cannot be seen.
      this.bytes += fileBodyLength(body, this.headers);
    }
    return body;
  }

  /** The app threw before returning a body: log now, the gateway answers 500. */
  fail(error: unknown): void {
    this.failed(error);
    this.finish();
  }

  private failed(error: unknown): void {
    // The app stopped because the client left mid-upload: that is no app error.
    this.outcome = isClientDisconnected(error) ? 'aborted' : 'error';
    this.error = error;
  }

  /** `close`, once: fixes the outcome and the numbers, then hands the line to the logger. */
  finish(): void {
    if (this.logged) return;
    this.logged = true;
    if (this.config.timed) this.t1 = performance.now();
    const bodiless = this.bodiless();
    if (bodiless && this.outcome === 'ok') this.bytes = 0;
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
    if (this.outcome !== 'ok' && !this.wentUp) return this.outcome === 'aborted' ? 499 : 500;
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
