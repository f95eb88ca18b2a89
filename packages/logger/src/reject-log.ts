/**
 * `rejectLog()`: access-log lines for the requests a server refuses before any
 * middleware runs (400, 408, 413, 414, 431), in the same formats as `accessLog()`,
 * so that one log file holds every request and CLF tools read all of it. The
 * function it returns is what `@tsgi/server` calls as `onReject(info)`.
 *
 * `%r` is the request line as far as the server parsed it (`"-"` when it never got
 * one), `%>s` the refusal's status, `%b` its body bytes when the server says them
 * (else `-`), and `%u`, Referer and User-Agent `-`. In `json` the outcome is
 * `"refused"` and `error` is the server's reason. A report with status 0 (a response
 * had already started; the server could only cut the connection) writes no line: that
 * request reached the app, and its access log has it.
 *
 * Where: the server's `onReject` option, beside `accessLog()` on the app, with the
 * same `format` and `stream`.
 *
 * @example
 * import { accessLog, rejectLog } from '@tsgi/logger';
 * const log = { format: 'combined', stream: process.stdout } as const;
 * await serve(accessLog(log)(app), { port: 8000, onReject: rejectLog(log) });
 * @see https://httpd.apache.org/docs/2.4/logs.html#common
 * @module
 */
import type { Environ } from '@tsgi/core';
import type { LogFormat, LogInfo } from './formats.js';
import { lineFormatter, resolveOutput, type OutputOptions } from './line-options.js';
import { LineSink } from './line-sink.js';

/**
 * What a server reports about a refused request: the shape of `@tsgi/server`'s
 * `RejectInfo`, declared here so the logger needs no server (any gateway may call it).
 */
export interface RefusedRequest {
  /** The status sent; 0 when the connection was only cut. */
  status: number;
  /** Why, in a few words: 'request line too long', 'headers timeout', ... */
  reason: string;
  /** The method, or '-' when the request line never parsed. */
  method: string;
  /** The request target as sent, or '-'. */
  url: string;
  /** '1.1', '1.0', or '-'. */
  httpVersion: string;
  remoteAddress: string;
  remotePort?: number;
  /** When the refusal was sent, in ms since the epoch. */
  time: number;
  /** Body bytes of the refusal, when the server says them. */
  bytes?: number;
}

export interface RejectLogOptions extends OutputOptions {
  /**
   * `'common'`, `'combined'`, `'json'`, or `(info) => line`, as for `accessLog()`.
   * @default 'combined'
   */
  format?: LogFormat;
  /** Where lines go, e.g. `process.stdout`; the same stream as `accessLog()`'s. @default process.stderr */
  stream?: OutputOptions['stream'];
}

const DEFAULTS = { format: 'combined' } satisfies Partial<Required<RejectLogOptions>>;

function orUndefined(value: string): string | undefined {
  return value === '-' || value === '' ? undefined : value;
}

/** A refused request as the formats read it. */
class RefusedLogInfo implements LogInfo {
  readonly outcome = 'refused';
  readonly duration = 0;
  readonly user = undefined;
  readonly userAgent = undefined;
  readonly referer = undefined;
  readonly requestId = undefined;

  constructor(
    private readonly info: RefusedRequest,
    readonly utcOffset: number | undefined,
  ) {}

  get environ(): Environ {
    const { method, url, remoteAddress, remotePort } = this.info;
    const query = url.indexOf('?');
    const cgi: Record<string, string> = {
      REQUEST_METHOD: method,
      SCRIPT_NAME: '',
      PATH_INFO: query === -1 ? url : url.slice(0, query),
      QUERY_STRING: query === -1 ? '' : url.slice(query + 1),
      SERVER_PROTOCOL: this.protocol,
      REQUEST_URI: url,
      REMOTE_ADDR: remoteAddress,
    };
    if (remotePort !== undefined) cgi.REMOTE_PORT = String(remotePort);
    // Only what the server parsed: no wsgi.* keys, as documented on LogInfo.environ.
    return cgi as unknown as Environ;
  }
  get timestamp(): number {
    return this.info.time;
  }
  get time(): Date {
    return new Date(this.info.time);
  }
  get method(): string {
    return this.info.method;
  }
  get target(): string {
    return this.info.url;
  }
  get path(): string {
    const url = this.info.url;
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }
  get query(): string {
    const url = this.info.url;
    const query = url.indexOf('?');
    return query === -1 ? '' : url.slice(query + 1);
  }
  get protocol(): string {
    const version = this.info.httpVersion;
    return version === '-' ? '-' : 'HTTP/' + version;
  }
  get status(): number {
    return this.info.status;
  }
  get bytes(): number {
    return this.info.bytes ?? 0;
  }
  get remoteAddr(): string | undefined {
    return orUndefined(this.info.remoteAddress);
  }
  get error(): string {
    return this.info.reason;
  }
}

/** Lines for refused requests, in `accessLog()`'s formats: pass it as the server's `onReject`. */
export function rejectLog(options: RejectLogOptions = {}): (info: RefusedRequest) => void {
  if (typeof options !== 'object' || options === null) throw new TypeError('rejectLog: options must be an object');
  const formatLine = lineFormatter('rejectLog', options.format ?? DEFAULTS.format);
  const { stream, utcOffset, sink: sinkOptions } = resolveOutput('rejectLog', options);
  // Made on the first refusal: nothing is allocated or hooked at factory time.
  let sink: LineSink | undefined;
  return function logRejected(info: RefusedRequest): void {
    if (info.status === 0) return;
    const line = formatLine(new RefusedLogInfo(info, utcOffset));
    if (line === undefined) return;
    (sink ??= new LineSink(stream ?? process.stderr, sinkOptions)).push(line + '\n');
  };
}
