/**
 * How a body {@link wrapResponse} hands up is closed: the body's own `close()`, then
 * the app's body when a middleware replaced it (PEP 3333: it is still closed, once),
 * then the middleware's `close` hook. Every step runs even when one throws; the first
 * error comes out after all ran, and a Promise only when a step returned one. No
 * closure or list is made for it: it runs once per response.
 *
 * @example
 * return hookClose(out, new ResponseCloseHook(replaced, hooks.close, state));
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import type { CloseHook } from './body.js';
import { isPromise } from './promise.js';
import type { Body } from './types.js';

function settled(): void {}

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
    // The common case, an access log's array body: the body has no close() of its own and
    // replaced nothing, so the hook is the only step. Run it as runFrom would (its error
    // thrown, its Promise waited for and settling to undefined), without the loop.
    if (this.innerClose === undefined && this.replaced === undefined) {
      if (this.close === undefined) return;
      const result = this.close(this.state);
      if (isPromise(result)) return result.then(settled);
      return;
    }
    return this.runFrom(0, undefined);
  }

  /**
   * Runs the steps from `step` on, each even when one before threw; a Promise only
   * when a step returns one. The first error is thrown after all ran.
   */
  private runFrom(step: number, failure: { error: unknown } | undefined): void | Promise<void> {
    for (; step < 3; step++) {
      let result: void | Promise<void>;
      try {
        result = this.run(step);
      } catch (error) {
        failure ??= { error };
        continue;
      }
      if (isPromise(result)) {
        const next = step + 1;
        return result.then(
          () => this.runFrom(next, failure),
          (error: unknown) => this.runFrom(next, failure ?? { error }),
        );
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  private run(step: number): void | Promise<void> {
    if (step === 0) return this.innerClose?.call(this.closeTarget);
    if (step === 1) return this.replaced?.close?.();
    return this.close?.(this.state);
  }
}
