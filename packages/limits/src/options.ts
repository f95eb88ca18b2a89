/**
 * Option checks `timeout()` and `bodyLimit()` share, so both refuse a bad value at
 * factory time with the same words: the factory, the option, what it must be and the
 * value seen.
 *
 * @example
 * const ms = checkOption('timeout', 'ms', options.ms, DEFAULTS.ms, isPositiveInteger, 'a whole number of milliseconds > 0');
 * @module
 */

/** `value`, or `fallback` when undefined; a `TypeError` naming the option when `ok` refuses it. */
export function checkOption<T>(owner: string, name: string, value: T | undefined, fallback: T, ok: (value: T) => boolean, expected: string): T {
  if (value === undefined) return fallback;
  if (!ok(value)) {
    const seen = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new TypeError(`${owner}: option ${name} must be ${expected}, got ${seen}`);
  }
  return value;
}

/** `throwHttpErrors`, checked with the words every tsgi package uses for it. */
export function checkThrowHttpErrors(owner: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`${owner}: throwHttpErrors must be true or false, got ${String(value)}`);
  return value;
}

export const isPositiveInteger = (value: number): boolean => Number.isSafeInteger(value) && value > 0;
export const isNonNegativeInteger = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;
