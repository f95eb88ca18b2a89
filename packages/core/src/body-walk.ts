/**
 * The walk over a response body every output shares: sync or async decided once (a
 * sync iterable is walked without an `await` per chunk), the iterator ended early with
 * `return()` so the app's `finally` blocks run, and `close()` called exactly once
 * however the walk ends. An output that never iterates (an array sent in one write)
 * still closes through the walk.
 *
 * @example
 * const walk = new BodyWalk(body);
 * try {
 *   for (let step = await walk.next(); !step.done; step = await walk.next()) send(step.value);
 * } finally {
 *   await walk.close(); // return() if the loop stopped early, then body.close(), once
 * }
 *
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import { isAsyncBody } from './body-check.js';
import { isPromise } from './promise.js';
import type { Body } from './types.js';

type AnyIterator = Iterator<Uint8Array> | AsyncIterator<Uint8Array>;
type Step = IteratorResult<Uint8Array>;

/** One body's iteration and close, each at most once. */
export class BodyWalk {
  /** True when the body is walked with its sync iterator (`next()` returns no Promise). */
  readonly sync: boolean;
  /** The walk ended: the iterator finished, threw, or was stopped. */
  done = false;
  /** `close()` was called. */
  closed = false;
  private iterator: AnyIterator | undefined = undefined;
  /** An async `next()` has not settled yet: the body is parked in an await. */
  private busy = false;

  /** `body` must have passed `checkBody`. An async iterator wins when it has both (`isAsyncBody`). */
  constructor(readonly body: Body) {
    this.sync = !isAsyncBody(body);
  }

  /** The next step; a Promise only for an async body. A throw ends the walk. */
  next(): Step | Promise<Step> {
    let iterator = this.iterator;
    if (iterator === undefined) {
      iterator = this.iterator = this.sync
        ? (this.body as Iterable<Uint8Array>)[Symbol.iterator]()
        : (this.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    }
    if (this.sync) {
      let step: Step;
      try {
        step = (iterator as Iterator<Uint8Array>).next();
      } catch (error) {
        this.done = true;
        throw error;
      }
      if (step.done === true) this.done = true;
      return step;
    }
    this.busy = true;
    return (iterator.next() as Promise<Step>).then(
      (step) => {
        this.busy = false;
        if (step.done === true) this.done = true;
        return step;
      },
      (error: unknown) => {
        this.busy = false;
        this.done = true;
        throw error;
      },
    );
  }

  /** Ends an unfinished iteration (`return()`), once; nothing when it never started or ended. */
  stop(): void | PromiseLike<unknown> {
    const iterator = this.iterator;
    if (this.done || iterator === undefined) return;
    this.done = true;
    if (typeof iterator.return !== 'function') return;
    const result = iterator.return();
    if (isPromise(result)) return result;
  }

  /**
   * Stops the iteration if it is still open and calls `body.close()`: exactly once
   * over the walk's life. `return()` goes first so the body's `finally` blocks run
   * before its close, except when an async `next()` is still pending: a generator
   * parked in an `await` runs its `return()` only when that await settles, and the
   * body must learn now that the client is gone. A throw from either comes out after
   * both ran; the Promise (when one of them is async) settles when both have.
   */
  close(): void | Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const busy = this.busy;
    let stopped: void | PromiseLike<unknown> = undefined;
    let failure: { error: unknown } | undefined;
    try {
      stopped = this.stop();
    } catch (error) {
      failure = { error };
    }
    if (stopped !== undefined && !busy) return this.closeAfter(stopped);
    const closed = typeof this.body.close === 'function' ? this.body.close() : undefined;
    if (failure) throw failure.error;
    if (stopped !== undefined || isPromise(closed)) return Promise.all([stopped, closed]).then(ignore);
  }

  private async closeAfter(stopped: PromiseLike<unknown>): Promise<void> {
    try {
      await stopped;
    } finally {
      await this.body.close?.();
    }
  }
}

function ignore(): void {}
