/**
 * `describeError(value)`: any thrown or rejected value as text for a log line, without
 * ever throwing. An app may throw anything: `Object.create(null)` (no `toString`), a
 * Proxy whose every trap throws, an Error whose `stack` or `message` getter throws, a
 * Symbol. `String(error)` or `error.stack` on such a value throws in turn, and in a
 * gateway's error path (which runs with no catch above it) that second throw takes the
 * whole process down. Every gateway, middleware and log that describes a foreign value
 * goes through this one function.
 *
 * What it gives, in order of preference:
 * - a string as it is; a number, boolean, bigint, symbol, null or undefined as `String()` says;
 * - an Error (or anything with a string `stack`): its stack, or `Name: message`
 *   with `{ stack: false }` (one line, for a JSON log field);
 * - anything with a string `message`: `Name: message`;
 * - an object `String()` can turn into something better than `[object Object]`: that;
 * - otherwise its shape: `Foo { code: "E_X", status: 500 }`,
 *   `[Object: null prototype] { reason: "gone" }` (a few own keys, primitives only);
 * - an object that throws whenever it is touched: `[object that throws when read]`.
 *
 * The text is at most `maxLength` characters (8192 by default), so a hostile message of
 * megabytes cannot flood a log.
 *
 * @example
 * } catch (error) {
 *   environ['wsgi.errors'].write(`my-middleware: ${describeError(error)}\n`);
 * }
 *
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */

export interface DescribeErrorOptions {
  /**
   * Give an Error's stack (several lines) rather than its `Name: message` (one line).
   * @default true
   */
  stack?: boolean;
  /**
   * Most characters returned, the note on a cut included; at least 64.
   * @default 8192
   */
  maxLength?: number;
}

/** What `describeError` gives for a value that throws on every look. */
export const OPAQUE_VALUE = '[object that throws when read]';

const DEFAULT_MAX_LENGTH = 8192;
/** Own keys shown for an object with nothing better to say about itself. */
const MAX_KEYS = 8;
/** Characters shown of a string-valued key. */
const MAX_FIELD = 100;

/** A property of a foreign object, or `undefined` when reading it throws. */
function read(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** `String(value)`, or `undefined` when the value's `toString`/`Symbol.toPrimitive` throws or is missing. */
function stringOf(value: object): string | undefined {
  try {
    return String(value);
  } catch {
    return undefined;
  }
}

function nameAndMessage(value: object, message: string): string {
  const name = read(value, 'name');
  if (typeof name !== 'string' || name === '') return message;
  return message === '' ? name : `${name}: ${message}`;
}

/** One field's value in a few characters: primitives as they are, objects by kind. */
function brief(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > MAX_FIELD ? value.slice(0, MAX_FIELD) + '...' : value);
    case 'function':
      return '[function]';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
    default:
      return String(value);
  }
}

/** `Foo { a: 1, b: "x" }` from a few own enumerable keys, or `undefined` when looking throws. */
function shape(value: object): string | undefined {
  try {
    const proto = Object.getPrototypeOf(value) as object | null;
    let prefix = '[Object: null prototype] ';
    if (proto !== null) {
      const ctor = read(proto, 'constructor');
      const name = typeof ctor === 'function' ? read(ctor, 'name') : undefined;
      prefix = typeof name === 'string' && name !== '' && name !== 'Object' ? `${name} ` : '';
    }
    const keys = Object.keys(value);
    const fields: string[] = [];
    for (let i = 0; i < keys.length && i < MAX_KEYS; i++) {
      const key = keys[i]!;
      let field: string;
      try {
        field = brief((value as Record<string, unknown>)[key]);
      } catch {
        field = '[throws]';
      }
      fields.push(`${key}: ${field}`);
    }
    if (keys.length > MAX_KEYS) fields.push(`... ${keys.length - MAX_KEYS} more`);
    return prefix + (fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`);
  } catch {
    return undefined;
  }
}

function describeObject(value: object, withStack: boolean): string {
  if (typeof value === 'function') {
    const name = read(value, 'name');
    return typeof name === 'string' && name !== '' ? `[function ${name}]` : '[function]';
  }
  if (withStack) {
    const stack = read(value, 'stack');
    if (typeof stack === 'string' && stack !== '') return stack;
  }
  const message = read(value, 'message');
  if (typeof message === 'string') return nameAndMessage(value, message);
  const text = stringOf(value);
  if (text !== undefined && text !== '[object Object]') return text;
  const seen = shape(value);
  if (seen === undefined) return text ?? OPAQUE_VALUE;
  return text === undefined && !seen.startsWith('[Object: null prototype]') ? `${seen} (its toString throws)` : seen;
}

/** Cuts `text` to `max` characters, saying how long it was; never splits a surrogate pair. */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `... [${text.length} characters in all]`;
  let end = max - note.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + note;
}

/** `value` as text for a log line: never throws, at most `maxLength` characters. */
export function describeError(value: unknown, options?: DescribeErrorOptions): string {
  const max = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  if (!Number.isInteger(max) || max < 64) {
    throw new TypeError(`describeError: maxLength must be an integer of at least 64, got ${String(max)}`);
  }
  let text: string;
  try {
    if (typeof value === 'string') text = value;
    else if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
      text = describeObject(value, options?.stack !== false);
    } else text = String(value);
  } catch {
    // Every read above is guarded; this is for what no one foresaw.
    text = OPAQUE_VALUE;
  }
  return bound(text, max);
}

/**
 * `value` when it is an Error that can be read without throwing (`message` a string,
 * `stack` readable), else a new Error whose message is `prefix` and
 * `describeError(value)`. For handing a foreign thrown value to code that reads it
 * unguarded: a host framework's error handler, a stream's `error()`.
 *
 * @example
 * controller.error(readableError(error, 'toFetch: the body failed: '));
 */
export function readableError(value: unknown, prefix: string): unknown {
  try {
    if (value instanceof Error && typeof value.message === 'string' && typeof String(value.stack) === 'string') return value;
  } catch {
    // Not readable: described below.
  }
  return new Error(prefix + describeError(value));
}
