/**
 * `accessLog()`: one line per request, written when the response is finished (the
 * body's close()), with the status the client got, the body bytes that passed this
 * layer and the time taken. Requests the client abandoned (499 when it left before
 * any status went out), or that the app broke, are logged too, once; the Apache
 * formats stay strict CLF and `json` says the outcome (`aborted`/`error`).
 *
 * Request ids: the line carries `environ['tsgi.request_id']`, which `requestId()`
 * from `@tsgi/request-id` sets; put it outside this layer. Without it (no id in the
 * environ when the request arrives) the logger does what it always did: reuses a
 * valid incoming `X-Request-Id` or makes one, puts it in the environ and adds it to
 * the response. The status, headers and body are otherwise passed on untouched:
 * core's `wrapResponse` counts what goes up (an array body stays an array of the same
 * chunks, counted at once; other bodies are observed as they are pulled, walked as
 * the gateway walks them) and tells the entry when the body is closed.
 *
 * Where in the stack: outermost, or right inside the gateway, so that it sees every
 * request, the time the layers below take, and the bytes after compression. Layers
 * below may set `REMOTE_USER` (auth); it is read when the line is written.
 *
 * Lines are batched and written to `environ['wsgi.errors']` or to `stream`.
 *
 * @example
 * import { accessLog } from '@tsgi/logger';
 * const logged = accessLog({ format: 'combined', stream: process.stdout })(app);
 * await serve(logged, { port: 8000 });
 * @see https://httpd.apache.org/docs/2.4/logs.html#accesslog
 * @module
 */
import { isPromise, isToken, wrapResponse, type Application, type Body, type Environ, type Middleware } from '@tsgi/core';
import { isValidRequestId, requestIdGenerator } from '@tsgi/request-id';
import { AccessLogEntry, type AccessLogEntryConfig } from './access-log-entry.js';
import { readsDuration, type LogFormat } from './formats.js';
import { isFunction, lineFormatter, optionChecker, OUTPUT_DEFAULTS, resolveOutput } from './line-options.js';
import { flushAll, LineSink, type LineTarget } from './line-sink.js';
import { watchWebSocket } from './websocket-log.js';

export interface AccessLogOptions {
  /**
   * `'common'`, `'combined'` (Apache, byte for byte), `'json'` (one object a line), or
   * a function `(info) => line` (its output is kept to one line by escaping control
   * characters; return '' or undefined to write nothing).
   * @default 'combined'
   */
  format?: LogFormat;
  /** Where lines go, e.g. `process.stdout` or an `fs.WriteStream`. @default the request's `wsgi.errors` */
  stream?: LineTarget;
  /** Return true to write no line for this request, e.g. `(env, status) => status < 400`. @default undefined */
  skip?: (environ: Environ, status: number) => boolean;
  /** The clock for the request's timestamp (epoch ms or a Date). @default Date.now */
  now?: () => number | Date;
  /** Minutes east of UTC for `%t` (`-420` for -0700). @default undefined: the local zone */
  utcOffset?: number;
  /**
   * When no `requestId()` ran: the request/response header that carries the request
   * id; `false` for no ids of the logger's own (an id in the environ is still logged).
   * @default 'X-Request-Id'
   */
  requestIdHeader?: string | false;
  /** When no `requestId()` ran: makes an id when the request brings no valid one. @default a random prefix and a counter */
  generateRequestId?: () => string;
  /**
   * Milliseconds to hold lines before writing them; 0 writes on the next event-loop
   * turn. Under load a write per turn is a write per request or two (an fs write goes
   * through libuv's thread pool), so the default holds lines a little longer.
   * @default 10
   */
  flushInterval?: number;
  /** Write at once when this many bytes (UTF-8) are waiting. @default 65536 */
  maxBuffer?: number;
}

/** The middleware, with `flush()` to write every buffered line now. */
export type AccessLogMiddleware = Middleware & { flush(): void };

const DEFAULTS = {
  format: 'combined',
  requestIdHeader: 'X-Request-Id',
  ...OUTPUT_DEFAULTS,
} satisfies Partial<Required<AccessLogOptions>>;

const optional = optionChecker('accessLog');

// For an environ without wsgi.errors (every gateway sets it): console.error, on every runtime.
const STDERR: LineTarget = { write: (text: string) => console.error(text.endsWith('\n') ? text.slice(0, -1) : text) };

async function settle(entry: AccessLogEntry, pending: PromiseLike<Body>): Promise<Body> {
  let body: Body;
  try {
    body = await pending;
  } catch (error) {
    entry.fail(error);
    throw error;
  }
  return entry.attach(body);
}

/** Access logging: Apache common/combined, JSON lines or a custom line per request. */
export function accessLog(options: AccessLogOptions = {}): AccessLogMiddleware {
  const format = options.format ?? DEFAULTS.format;
  const formatLine = lineFormatter('accessLog', format);
  const { stream, utcOffset, sink: sinkOptions } = resolveOutput('accessLog', options);
  const skip = optional('skip', options.skip, isFunction, 'a function');
  const now = optional('now', options.now, isFunction, 'a function');
  const headerOption = options.requestIdHeader ?? DEFAULTS.requestIdHeader;
  optional('requestIdHeader', headerOption, (h) => h === false || (typeof h === 'string' && isToken(h)), 'a header name or false');
  const generate = optional('generateRequestId', options.generateRequestId, isFunction, 'a function') ?? requestIdGenerator();

  const requestIdHeader = headerOption === false ? undefined : headerOption;
  // The environ key of the incoming header: X-Request-Id -> HTTP_X_REQUEST_ID.
  const requestIdKey = requestIdHeader && 'HTTP_' + requestIdHeader.toUpperCase().replaceAll('-', '_');
  const fixedSink = stream && new LineSink(stream, sinkOptions);
  const sinks = new WeakMap<object, LineSink>();

  function sinkFor(environ: Environ): LineSink {
    if (fixedSink) return fixedSink;
    const errors = environ['wsgi.errors'] ?? STDERR;
    let sink = sinks.get(errors);
    if (sink === undefined) sinks.set(errors, (sink = new LineSink(errors, sinkOptions)));
    return sink;
  }

  const config: AccessLogEntryConfig = {
    requestIdHeader,
    utcOffset,
    timed: readsDuration(format),
    write(info: AccessLogEntry): void {
      if (skip !== undefined && skip(info.environ, info.status)) return;
      const line = formatLine(info);
      if (line !== undefined) sinkFor(info.environ).push(line + '\n');
    },
  };
  // For a request whose id came from outside (requestId() above): the header is that
  // layer's to send, and it may have been told not to.
  const givenIdConfig: AccessLogEntryConfig = { ...config, requestIdHeader: undefined };

  const middleware = function accessLogMiddleware(app: Application): Application {
    return function accessLogApp(environ, startResponse) {
      const clock = now === undefined ? Date.now() : now();
      const timestamp = typeof clock === 'number' ? clock : clock.getTime();
      let entryConfig = givenIdConfig;
      if (typeof environ['tsgi.request_id'] !== 'string' && requestIdKey) {
        // No requestId() above: the logger's own ids, as before there was one.
        const incoming = environ[requestIdKey];
        environ['tsgi.request_id'] = isValidRequestId(incoming) ? incoming : generate();
        entryConfig = config;
      }
      const entry = new AccessLogEntry(entryConfig, environ, timestamp);
      // A WebSocket handshake: a timed format logs the connection once it closes.
      if (entryConfig.timed && environ['tsgi.websocket'] !== undefined) entry.socketWatch = watchWebSocket(environ);
      let result: Body | Promise<Body>;
      try {
        result = wrapResponse(app, environ, startResponse, entry.hooks, entry);
      } catch (error) {
        entry.fail(error);
        throw error;
      }
      // A sync app stays sync: no promise per request unless the app made one.
      if (isPromise(result)) return settle(entry, result);
      return entry.attach(result);
    };
  };
  return Object.assign(middleware, { flush: flushAll });
}

/** Writes the buffered lines of every access log now. */
export { flushAll as flushAccessLogs };
