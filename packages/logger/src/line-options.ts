/**
 * The options `accessLog()` and `rejectLog()` share, checked in one place so both
 * refuse a bad value with the same words: the line format (a built-in name or a
 * function, whose output is kept to one line), the output stream, `utcOffset` and the
 * batching of lines.
 *
 * @example
 * const option = optionChecker('rejectLog');
 * const line = lineFormatter('rejectLog', options.format ?? 'combined');
 * @module
 */
import { escapeLine } from './escape.js';
import { FORMATS, type LogFormat, type LogInfo } from './formats.js';
import type { LineSinkOptions, LineTarget } from './line-sink.js';

/** Checks one optional option; the message names the factory, the option and the value. */
export type OptionCheck = <T>(name: string, value: T, check: (value: NonNullable<T>) => boolean, expected: string) => T;

export function optionChecker(owner: string): OptionCheck {
  return function optional(name, value, check, expected) {
    if (value !== undefined && !check(value as NonNullable<typeof value>)) {
      const seen = typeof value === 'string' ? JSON.stringify(value) : String(value);
      throw new TypeError(`${owner}: option ${name} must be ${expected}, got ${seen}`);
    }
    return value;
  };
}

export const isFunction = (value: unknown): boolean => typeof value === 'function';

/** A line without its trailing newline, one line whatever the format returned. */
function customLine(format: (info: LogInfo) => string | undefined | null, info: LogInfo): string | undefined {
  let line = format(info);
  if (!line) return undefined;
  if (line.endsWith('\n')) line = line.slice(0, -1);
  return escapeLine(line);
}

/** `format` as `(info) => line | undefined` (no newline); throws a TypeError naming a bad one. */
export function lineFormatter(owner: string, format: LogFormat): (info: LogInfo) => string | undefined {
  if (typeof format === 'function') return (info) => customLine(format, info);
  if (typeof format !== 'string' || !Object.hasOwn(FORMATS, format)) {
    throw new TypeError(`${owner}: option format must be 'common', 'combined', 'json' or a function, got ${JSON.stringify(format)}`);
  }
  return FORMATS[format];
}

/** The options both loggers take for where lines go and when. */
export interface OutputOptions {
  /** Where lines go: any `{ write(text) }`. */
  stream?: LineTarget;
  /** Minutes east of UTC for `%t` (`-420` for -0700). @default undefined: the local zone */
  utcOffset?: number;
  /** Milliseconds to hold lines before writing them; 0 writes on the next event-loop turn. @default 10 */
  flushInterval?: number;
  /** Write at once when this many bytes (UTF-8) are waiting. @default 65536 */
  maxBuffer?: number;
}

export const OUTPUT_DEFAULTS = { flushInterval: 10, maxBuffer: 65_536 } as const;

/** Checks the output options; returns them with the batching filled in. */
export function resolveOutput(owner: string, options: OutputOptions): { stream: LineTarget | undefined; utcOffset: number | undefined; sink: LineSinkOptions } {
  const optional = optionChecker(owner);
  return {
    stream: optional('stream', options.stream, (s) => typeof s?.write === 'function', 'a stream with write()'),
    utcOffset: optional('utcOffset', options.utcOffset, (n) => Number.isInteger(n) && Math.abs(n) < 24 * 60, 'whole minutes east of UTC'),
    sink: {
      flushInterval: optional('flushInterval', options.flushInterval, (n) => Number.isFinite(n) && n >= 0, 'a number of ms >= 0') ?? OUTPUT_DEFAULTS.flushInterval,
      maxBuffer: optional('maxBuffer', options.maxBuffer, (n) => Number.isInteger(n) && n > 0, 'a positive integer') ?? OUTPUT_DEFAULTS.maxBuffer,
    },
  };
}
