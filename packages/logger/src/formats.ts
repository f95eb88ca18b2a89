/**
 * The built-in line formats, each `(info) => line` without the trailing newline.
 *
 * - `common`: Apache's `%h %l %u %t "%r" %>s %b`.
 * - `combined`: `common` plus `"%{Referer}i" "%{User-agent}i"`.
 * - `json`: one object a line with every field of {@link LogInfo}, plus `route` when a
 *   router matched (`tsgi.route`) and `trace_id`/`span_id` when the request runs in a
 *   span (`tsgi.trace`, set by @tsgi/otel; the names OpenTelemetry's log correlation
 *   and pino use), so a line and its trace find each other.
 *
 * The Apache lines are byte for byte what Apache writes, escaping included, for every
 * request: strict CLF, so log tools (goaccess, awstats, GoAccess's COMMON/COMBINED)
 * read each one. How a request ended shows in the status (the one the client got:
 * 499 when the client left before any status went out, 500 when the app failed
 * first) and in `%b` (the bytes that passed this layer); `outcome` has a field only
 * in `json` and in custom formats.
 *
 * @example
 * // 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08"
 * formatCombined(info);
 * @see https://httpd.apache.org/docs/2.4/logs.html#combined
 * @module
 */
import { describeError, type Environ } from '@tsgi/core';
import { clfTime } from './clf-time.js';
import { escapeLogItem, jsonString } from './escape.js';

/**
 * How a response ended: sent in full, cut short by the client, broken by the app, or
 * refused by the server before the app saw the request (`rejectLog`).
 */
export type Outcome = 'ok' | 'aborted' | 'error' | 'refused';

/** What is known about a finished request, handed to every format. */
export interface LogInfo {
  /**
   * The request's environ, as it is when the line is written (REMOTE_USER included).
   * For a refused request (`rejectLog`) only the CGI keys the server could parse.
   */
  readonly environ: Environ;
  /** When the request reached this layer, in epoch milliseconds. */
  readonly timestamp: number;
  /** `timestamp` as a Date. */
  readonly time: Date;
  /** Minutes east of UTC for `%t`, or `undefined` for the local zone. */
  readonly utcOffset: number | undefined;
  readonly method: string;
  /** SCRIPT_NAME + PATH_INFO quoted back to wire form (no query). */
  readonly path: string;
  /** QUERY_STRING, '' when there is none. */
  readonly query: string;
  /** The request target as `%r` shows it: the raw one when the gateway kept it. */
  readonly target: string;
  readonly protocol: string;
  /** The status the client got; 499 when it left before any status went out. */
  readonly status: number;
  /** Body bytes that passed this layer (after any compression below it). */
  readonly bytes: number;
  /** Milliseconds from the request reaching this layer to the body's close(). */
  readonly duration: number;
  readonly remoteAddr: string | undefined;
  /** REMOTE_USER, read when the line is written. */
  readonly user: string | undefined;
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  readonly requestId: string | undefined;
  readonly outcome: Outcome;
  /** What the app threw when `outcome` is 'error'; the server's reason when 'refused'. */
  readonly error: unknown;
  /**
   * A WebSocket handshake logged by a timed format: how the connection closed and the
   * message bytes received (`bytes` are the ones sent, `duration` its whole life).
   */
  readonly websocket?: { readonly code: number; readonly received: number } | undefined;
}

/** A line format: the built-in names or a function returning the line (no newline). */
export type LogFormat = 'common' | 'combined' | 'json' | ((info: LogInfo) => string | undefined | null);

function item(value: string | undefined): string {
  return value === undefined ? '-' : escapeLogItem(value);
}

/** `%r`; Apache's `-` for a refused request whose request line never parsed. */
function requestLine(info: LogInfo): string {
  const method = info.method;
  if (method === '-' && info.target === '-') return '-';
  return escapeLogItem(method) + ' ' + escapeLogItem(info.target) + ' ' + escapeLogItem(info.protocol);
}

function commonLine(info: LogInfo): string {
  const user = info.user;
  const bytes = info.bytes;
  return (
    item(info.remoteAddr) +
    ' - ' +
    // Apache logs an empty user as "" so that the field count stays the same.
    (user === undefined ? '-' : user === '' ? '""' : escapeLogItem(user)) +
    ' ' +
    clfTime(info.timestamp, info.utcOffset) +
    ' "' +
    requestLine(info) +
    '" ' +
    info.status +
    ' ' +
    (bytes === 0 ? '-' : bytes)
  );
}

/** Apache's common log format. */
export function formatCommon(info: LogInfo): string {
  return commonLine(info);
}

/** Apache's combined log format. */
export function formatCombined(info: LogInfo): string {
  return commonLine(info) + ' "' + item(info.referer) + '" "' + item(info.userAgent) + '"';
}

function jsonOrNull(value: string | undefined): string {
  return value === undefined ? 'null' : jsonString(value);
}

/** `Name: message` on one line; any thrown value, one whose toString throws included. */
function errorMessage(error: unknown): string {
  return describeError(error, { stack: false });
}

/** `,"route":...` and `,"trace_id":...,"span_id":...` for what the environ holds; '' when nothing. */
function routeAndTrace(environ: Environ): string {
  const route = environ['tsgi.route'];
  let out = typeof route === 'string' ? ',"route":' + jsonString(route) : '';
  // Read as tsgi.trace is specified (docs/spec.md), so the logger needs no OpenTelemetry package.
  const trace = environ['tsgi.trace'] as { traceId?: unknown; spanId?: unknown } | undefined;
  if (typeof trace?.traceId === 'string' && typeof trace.spanId === 'string') {
    out += ',"trace_id":' + jsonString(trace.traceId) + ',"span_id":' + jsonString(trace.spanId);
  }
  return out;
}

/** One JSON object: time (ISO, UTC), method, path, query, protocol, status, bytes, duration (ms), ... */
export function formatJson(info: LogInfo): string {
  return (
    '{"time":"' +
    info.time.toISOString() +
    '","method":' +
    jsonString(info.method) +
    ',"path":' +
    jsonString(info.path) +
    ',"query":' +
    jsonString(info.query) +
    ',"protocol":' +
    jsonString(info.protocol) +
    ',"status":' +
    info.status +
    ',"bytes":' +
    info.bytes +
    ',"duration":' +
    Math.round(info.duration * 1000) / 1000 +
    ',"remoteAddr":' +
    jsonOrNull(info.remoteAddr) +
    ',"user":' +
    jsonOrNull(info.user) +
    ',"userAgent":' +
    jsonOrNull(info.userAgent) +
    ',"referer":' +
    jsonOrNull(info.referer) +
    ',"requestId":' +
    jsonOrNull(info.requestId) +
    (info.websocket === undefined ? '' : ',"websocket":{"code":' + info.websocket.code + ',"received":' + info.websocket.received + '}') +
    routeAndTrace(info.environ) +
    ',"outcome":"' +
    info.outcome +
    (info.outcome === 'error' || info.outcome === 'refused' ? '","error":' + jsonString(errorMessage(info.error)) + '}' : '"}')
  );
}

/** The built-in formats by name. */
export const FORMATS = {
  common: formatCommon,
  combined: formatCombined,
  json: formatJson,
} as const satisfies Record<string, (info: LogInfo) => string>;

/**
 * Whether `format` may read `info.duration`. Apache's common and combined lines have no
 * %D/%T, so the logger skips the request's two clock reads for them; json and any
 * custom function get a timed request.
 */
export function readsDuration(format: LogFormat): boolean {
  return format !== 'common' && format !== 'combined';
}
