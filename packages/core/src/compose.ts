/**
 * Stack middleware in the order it reads: `compose(a, b)(app)` is `a(b(app))`, so the
 * first middleware listed sees the request first and the response last.
 *
 * @example
 * const stack = compose(accessLog(), gzip(), basicAuth({ users }));
 * serve(stack(app), { port: 8000 });
 * @module
 */
import type { Application, Middleware } from './types.js';

export function compose(...middleware: Middleware[]): Middleware {
  middleware.forEach((mw, index) => {
    if (typeof mw !== 'function') {
      throw new TypeError(
        `compose: argument ${index} is ${mw === null ? 'null' : typeof mw}; every middleware must be a function (app) => Application`,
      );
    }
  });
  const layers = middleware.slice();
  return function composed(app: Application): Application {
    if (typeof app !== 'function') {
      throw new TypeError('compose: the application to wrap must be a function (environ, startResponse) => Body');
    }
    let wrapped = app;
    for (let i = layers.length - 1; i >= 0; i--) {
      const next = layers[i]!(wrapped);
      if (typeof next !== 'function') {
        throw new TypeError(`compose: middleware ${i} returned ${typeof next} instead of an Application`);
      }
      wrapped = next;
    }
    return wrapped;
  };
}
