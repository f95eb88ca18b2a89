/**
 * `environ['tsgi.server_timing']`: what an app uses to add metrics to the response's
 * `Server-Timing` header: `add(name, dur?, desc?)` for a duration it measured (or a
 * value without one, such as a cache hit), `start(name)` / `end(name)` around a piece
 * of work, `time(name, fn)` around a function. Durations are milliseconds.
 *
 * Names are RFC 9110 tokens (a bad one is a programming error: `TypeError`);
 * descriptions are sent as quoted strings, with anything a header cannot carry
 * (control characters, characters above U+00FF) replaced, so a description built from
 * request data never breaks the response. Metrics added after the headers went out
 * are dropped: there is nowhere left to send them.
 *
 * @example
 * const timing = serverTimingOf(environ);
 * timing.start('db');
 * const rows = await query();
 * timing.end('db');
 * timing.add('cache', undefined, 'miss');
 * @see https://www.w3.org/TR/server-timing/
 * @module
 */
import { isToken, type Environ } from '@tsgi/core';

/** The environ key of the request's {@link ServerTiming}. */
export const SERVER_TIMING_KEY = 'tsgi.server_timing';

export interface ServerTiming {
  /** A metric: `dur` in milliseconds (omit for a metric with no duration), `desc` a short text. */
  add(name: string, dur?: number, desc?: string): void;
  /** Starts timing `name`; `end(name)` adds it. A metric not ended when the headers go out is not sent. */
  start(name: string, desc?: string): void;
  /** Ends the timing `start(name)` began and adds the metric. */
  end(name: string): void;
  /** Runs `fn` and adds its time as `name`, whether it returns, resolves or throws. */
  time<T>(name: string, fn: () => T | Promise<T>, desc?: string): Promise<T>;
}

/** For a request whose timings are not sent (`enabled` said no, or no serverTiming() ran): does nothing. */
export const NO_TIMING: ServerTiming = Object.freeze({
  add() {},
  start() {},
  end() {},
  async time<T>(_name: string, fn: () => T | Promise<T>) {
    return fn();
  },
});

/** The request's recorder, or one that does nothing when no `serverTiming()` is above. */
export function serverTimingOf(environ: Environ): ServerTiming {
  return (environ[SERVER_TIMING_KEY] as ServerTiming | undefined) ?? NO_TIMING;
}

// Quoted-string content: visible Latin-1 and space/tab, with " and \ escaped below.
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/g;

function checkName(name: unknown, method: string): string {
  if (typeof name !== 'string' || !isToken(name)) {
    throw new TypeError(`serverTiming: ${method}() takes a metric name made of token characters (such as 'db' or 'cache.read'), got ${JSON.stringify(name)}`);
  }
  return name;
}

/** One metric as the header writes it: `db;dur=12.3;desc="users"`. */
export function formatMetric(name: string, dur: number | undefined, desc: string | undefined, scale: number): string {
  let text = name;
  if (dur !== undefined) text += `;dur=${Math.round(dur * scale) / scale}`;
  if (desc !== undefined && desc !== '') text += `;desc="${desc.replace(UNSENDABLE, '?').replace(/["\\]/g, '\\$&')}"`;
  return text;
}

/** The metrics of one request, kept as header text until the head goes out. */
export class TimingRecorder implements ServerTiming {
  /** Formatted metrics, in the order they were added. */
  readonly metrics: string[] = [];
  /** When this layer got the request (`performance.now()`). */
  readonly t0 = performance.now();
  /** Set once the header is written: later metrics are dropped. */
  sent = false;
  private running: Map<string, { t0: number; desc: string | undefined }> | undefined = undefined;

  constructor(private readonly scale: number) {}

  add(name: string, dur?: number, desc?: string): void {
    checkName(name, 'add');
    if (dur !== undefined && !(typeof dur === 'number' && dur >= 0 && Number.isFinite(dur))) {
      throw new TypeError(`serverTiming: add() takes a duration in milliseconds >= 0, got ${String(dur)} for ${JSON.stringify(name)}`);
    }
    if (desc !== undefined && typeof desc !== 'string') {
      throw new TypeError(`serverTiming: add() takes a description string, got ${typeof desc} for ${JSON.stringify(name)}`);
    }
    if (!this.sent) this.metrics.push(formatMetric(name, dur, desc, this.scale));
  }

  start(name: string, desc?: string): void {
    checkName(name, 'start');
    (this.running ??= new Map()).set(name, { t0: performance.now(), desc });
  }

  end(name: string): void {
    checkName(name, 'end');
    const started = this.running?.get(name);
    if (started === undefined) throw new TypeError(`serverTiming: end(${JSON.stringify(name)}) without start(${JSON.stringify(name)})`);
    this.running!.delete(name);
    this.add(name, performance.now() - started.t0, started.desc);
  }

  async time<T>(name: string, fn: () => T | Promise<T>, desc?: string): Promise<T> {
    checkName(name, 'time');
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - t0, desc);
    }
  }
}
