/**
 * The one check of what an application returns, shared by every gateway and every
 * middleware that touches the body (gzip, the access log, ...), so that a broken app
 * gets the same clear message wherever it runs, and never a `Cannot read properties
 * of undefined` from deep inside a wrapper.
 *
 * Each check returns the problem as text (or `undefined` when all is well), like
 * `checkStatus`: the caller adds its own prefix and decides how to fail.
 *
 * @example
 * const problem = checkBody(body);
 * if (problem !== undefined) throw new TypeError(`gzip: ${problem}`);
 *
 * @see https://peps.python.org/pep-3333/#specification-details (the returned iterable)
 * @module
 */
import { isPromise } from './promise.js';

/** A value in a few words for an error message: `undefined`, `null`, `a string`, `a Promise`, ... */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (isPromise(value)) return 'a Promise (await it, or return it from an async app)';
  const type = typeof value;
  if (type === 'object') return `an object that is not iterable (${Object.prototype.toString.call(value)})`;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Why `body` is not a Body (an Iterable or AsyncIterable object), or `undefined`.
 * A string is iterable but never a body: chunks are bytes. Arrays pass at once (the
 * common case costs one call); their chunks are checked as they are used.
 */
export function checkBody(body: unknown): string | undefined {
  if (Array.isArray(body)) return undefined;
  if (
    typeof body === 'object' &&
    body !== null &&
    (typeof (body as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  ) {
    return undefined;
  }
  return `the app must return an iterable of Uint8Array, got ${describeValue(body)}`;
}

/** Why `chunk` is not a body chunk (a Uint8Array; a Buffer is one), or `undefined`. */
export function checkChunk(chunk: unknown): string | undefined {
  if (chunk instanceof Uint8Array) return undefined;
  return `body chunks must be Uint8Array, got ${describeValue(chunk)}`;
}

/**
 * Whether a body is walked with its async iterator: when it has one, even if it has
 * a sync iterator too. Every walker (the gateways, lint, middleware that wrap a body)
 * asks this one question, so that they all take the same path through the same body.
 */
export function isAsyncBody(body: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): body is AsyncIterable<Uint8Array> {
  return typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function';
}
