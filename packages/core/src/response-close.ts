/**
 * How a body {@link wrapResponse} hands up is closed: the body's own `close()`, then
 * the app's body when a middleware replaced it (PEP 3333: it is still closed, once),
 * then the middleware's `close` hook. Every step runs even when one throws; the first
 * error comes out after all ran, and a Promise only when a step returned one.
 *
 * @example
 * return hookClose(out, new ResponseCloseHook(replaced, hooks.close, state));
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import type { CloseHook } from './body.js';
import { isPromise } from './promise.js';
import type { Body } from './types.js';

/** Closes the body handed up, then a replaced original, then runs `close(state)`: once. */
export class ResponseCloseHook<S> implements CloseHook {
  innerClose: (() => void | Promise<void>) | undefined = undefined;
  closeTarget: Body | undefined = undefined;
  private done = false;

  constructor(
    private readonly replaced: Body | undefined,
    private readonly close: ((state: S) => void | Promise<void>) | undefined,
    private readonly state: S,
  ) {}

  closeHooked(): void | Promise<void> {
    if (this.done) return;
    this.done = true;
    const steps: Array<() => void | Promise<void>> = [];
    const inner = this.innerClose;
    if (inner !== undefined) steps.push(() => inner.call(this.closeTarget));
    const replaced = this.replaced;
    if (replaced !== undefined && typeof replaced.close === 'function') steps.push(() => replaced.close!());
    const close = this.close;
    if (close !== undefined) steps.push(() => close(this.state));
    return runAll(steps);
  }
}

/**
 * Runs every step even when one throws; a Promise only when a step returns one. The
 * first error is thrown after all ran.
 */
function runAll(steps: Array<() => void | Promise<void>>, from = 0, failure?: { error: unknown }): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    let result: void | Promise<void>;
    try {
      result = steps[i]!();
    } catch (error) {
      failure ??= { error };
      continue;
    }
    if (isPromise(result)) {
      return result.then(
        () => runAll(steps, i + 1, failure),
        (error: unknown) => runAll(steps, i + 1, failure ?? { error }),
      );
    }
  }
  if (failure !== undefined) throw failure.error;
}
