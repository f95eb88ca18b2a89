/**
 * `instanceof` that holds across copies of a package. Every `@tsgi/*` package ships
 * an ES module build and a CommonJS build; a process that loads both (an ESM `tsgi`
 * CLI serving a CommonJS app, a CommonJS test importing an ESM helper) has two
 * `HttpError` classes, and a plain `instanceof` would say an error from one copy is
 * not an `HttpError` of the other. `shareInstanceof` stamps the class's prototype with
 * a registry symbol (`Symbol.for`, one per process whatever the copy) and makes
 * `instanceof` on that class read the stamp. Subclasses keep the ordinary check.
 *
 * @example
 * export class LintError extends Error {}
 * shareInstanceof(LintError, 'tsgi.LintError');
 *
 * @see https://nodejs.org/api/packages.html#dual-package-hazard
 * @module
 */

/** Any class; only its prototype and `instanceof` are touched. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Class = abstract new (...args: any[]) => object;

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/** Makes `value instanceof cls` true for instances of every copy of `cls` branded with `key`. */
export function shareInstanceof(cls: Class, key: string): void {
  const brand = Symbol.for(key);
  Object.defineProperty(cls.prototype, brand, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value: function hasInstance(this: Class, value: unknown): boolean {
      // A subclass inherits this static method; for it, only its own copy counts.
      if (this !== cls) return ordinaryHasInstance.call(this, value);
      if (typeof value !== 'object' || value === null) return false;
      // A thrown value may be a Proxy whose traps throw: asking must never throw too
      // (the gateway asks `error instanceof ConnectionAbort` in its error path).
      try {
        return (value as Record<symbol, unknown>)[brand] === true;
      } catch {
        return false;
      }
    },
  });
}
