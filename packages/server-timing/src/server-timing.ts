/**
 * `serverTiming()`: adds a `Server-Timing` header to each response, with the time the
 * app took (`app;dur=12.3`: from this layer to the app's answer, status, headers and
 * body known) and the metrics the app added through `environ['tsgi.server_timing']`
 * (see timing-recorder.ts). Browsers show it in the network panel and expose it to
 * the page (`PerformanceServerTiming`), as Hono's `timing()` and Rails' ServerTiming do.
 *
 * Request: `environ['tsgi.server_timing']` is the recorder (a no-op one when `enabled`
 * says no, so app code calls it unconditionally). Response: held by core's response
 * wrapper until the app answers, so that the header carries the whole app time and
 * what was added meanwhile; then the header is added (after any the app sent), and
 * `Timing-Allow-Origin` when `crossOrigin` is set. The body passes untouched (an
 * array body stays the same array).
 *
 * **What it discloses:** durations and metric names are visible to whoever gets the
 * response. They can tell an attacker how long a password check, a cache lookup or a
 * query took (a timing side channel made easy) and name the parts of the system.
 * Send them only where that is fine: `enabled: (environ) => ...` for staff, internal
 * addresses, or development.
 *
 * Where in the stack: outside what it should time (the router and the app), inside
 * compression and the access log (headers only; their time is not the app's).
 *
 * @example
 * import { serverTiming, serverTimingOf } from '@tsgi/server-timing';
 * const app = compose(serverTiming({ enabled: () => process.env.NODE_ENV !== 'production' }))(inner);
 * // inner: await serverTimingOf(environ).time('db', () => query());
 * @see https://www.w3.org/TR/server-timing/
 * @module
 */
import { hasHeader, wrapResponse, type Application, type Environ, type Middleware, type ResponseHooks } from '@tsgi/core';
import { formatMetric, NO_TIMING, SERVER_TIMING_KEY, TimingRecorder } from './timing-recorder.js';

export interface ServerTimingOptions {
  /** Send timings for this request. @default true */
  enabled?: boolean | ((environ: Environ) => boolean);
  /** Add the app's own time as the metric `app`. @default true */
  total?: boolean;
  /**
   * `Timing-Allow-Origin` to send (`'*'` or an origin), so that pages of other origins
   * may read the timings; `false` sends none (same-origin pages only).
   * @default false
   */
  crossOrigin?: false | string;
  /** Digits after the decimal point in each `dur`. @default 1 */
  precision?: number;
}

const DEFAULTS = {
  enabled: true,
  total: true,
  crossOrigin: false,
  precision: 1,
} satisfies Required<ServerTimingOptions>;

function check<T>(name: keyof ServerTimingOptions, value: T | undefined, fallback: T, ok: (value: T) => boolean, expected: string): T {
  if (value === undefined) return fallback;
  if (!ok(value)) {
    const seen = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new TypeError(`serverTiming: option ${name} must be ${expected}, got ${seen}`);
  }
  return value;
}

/** A `Server-Timing` header with the app's time and the metrics the app adds. */
export function serverTiming(options: ServerTimingOptions = {}): Middleware {
  const enabled = check('enabled', options.enabled, DEFAULTS.enabled, (e) => typeof e === 'boolean' || typeof e === 'function', 'true, false or a function (environ) => boolean');
  const total = check('total', options.total, DEFAULTS.total, (t) => typeof t === 'boolean', 'true or false');
  const crossOrigin = check('crossOrigin', options.crossOrigin, DEFAULTS.crossOrigin, (c) => c === false || (typeof c === 'string' && c !== '' && !/[^\x21-\x7e]/.test(c)), "false, '*' or an origin");
  const precision = check('precision', options.precision, DEFAULTS.precision, (p) => Number.isInteger(p) && p >= 0 && p <= 6, 'an integer from 0 to 6');
  const scale = 10 ** precision;

  const hooks: ResponseHooks<TimingRecorder> = {
    respond(head, body, recorder) {
      recorder.sent = true;
      // Not a header list: the gateway will say so; nothing to add to.
      if (!Array.isArray(head.headers)) return body;
      const metrics = recorder.metrics;
      if (total) metrics.push(formatMetric('app', performance.now() - recorder.t0, undefined, scale));
      const addAllowOrigin = crossOrigin !== false && !hasHeader(head.headers, 'timing-allow-origin');
      if (metrics.length === 0 && !addAllowOrigin) return body;
      // A copy (the app may pass the same constant list to every response), by slice
      // and push: Array.prototype.concat costs about four times as much in V8.
      const headers = head.headers.slice();
      if (metrics.length > 0) headers.push(['Server-Timing', metrics.join(', ')]);
      if (addAllowOrigin) headers.push(['Timing-Allow-Origin', crossOrigin]);
      head.headers = headers;
      return body;
    },
  };

  return function serverTimingMiddleware(app: Application): Application {
    return function serverTimingApp(environ, startResponse) {
      if (enabled === false || (enabled !== true && !enabled(environ))) {
        environ[SERVER_TIMING_KEY] = NO_TIMING;
        return app(environ, startResponse);
      }
      const recorder = new TimingRecorder(scale);
      environ[SERVER_TIMING_KEY] = recorder;
      return wrapResponse(app, environ, startResponse, hooks, recorder);
    };
  };
}
