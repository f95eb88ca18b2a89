/**
 * The one answer to "is this a promise?" for everything that receives what an app
 * returns (gateways, lint, middleware): any thenable, as `await` treats it. An app
 * may return a Promise from another realm or a library's promise type; the gateway
 * awaits it, so lint must accept it and every middleware must wait for it the same way.
 *
 * @example
 * const result = app(environ, startResponse);
 * return isPromise(result) ? Promise.resolve(result).then(wrap) : wrap(result);
 * @see https://tc39.es/ecma262/#sec-promise-resolve-functions (thenables are awaited)
 * @module
 */

/** Whether `value` is a thenable: an object or function with a callable `then`. */
export function isPromise<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<T>).then === 'function'
  );
}
