/**
 * The body {@link wrapResponse} hands up when a middleware watches chunks, the end of
 * the iteration, or wants to recover from a body that fails before its first byte:
 * the one sync/async pair of body wrappers, so no middleware writes its own. A sync
 * body stays sync (no `await` per chunk), an async one async; `isAsyncBody` decides,
 * as every walker does. `close()` closes the wrapped body; `return()` ends its iterator.
 *
 * The wrapper reports each step to a {@link StepObserver} (the response it belongs
 * to) instead of reaching back into the class that made it, and runs each `next()`
 * and `return()` through the observer's `pull` when it has one (a middleware's
 * context around the app's generator code).
 *
 * @example
 * return observedBody(body, response); // response: a StepObserver
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import { isAsyncBody } from './body-check.js';
import type { Body } from './types.js';

/** What an observed body reports to: the response whose body it is. */
export interface StepObserver {
  /** The step to hand up for one the body gave (a chunk maybe replaced; the end noted). */
  observe(step: IteratorResult<Uint8Array>): IteratorResult<Uint8Array>;
  /** The body threw: the chunks to send instead, or throws the error on. */
  failed(error: unknown): Uint8Array[];
  /** Runs one step of the iteration (calls `step` once, returns what it returns); none: called directly. */
  readonly pull: (<R>(step: () => R) => R) | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const NOTHING: Iterator<Uint8Array> = { next: () => DONE };

/** `body` with each step reported to `observer`; same kind as `body`. */
export function observedBody(body: Body, observer: StepObserver): Body {
  if (isAsyncBody(body)) return new AsyncObservedBody(body as AsyncIterable<Uint8Array> & Body, observer);
  return new SyncObservedBody(body as Iterable<Uint8Array> & Body, observer);
}

class SyncObservedBody implements IterableIterator<Uint8Array> {
  private inner: Iterator<Uint8Array> | undefined = undefined;
  private stepBound: (() => IteratorResult<Uint8Array>) | undefined = undefined;
  /** The chunks sent in place of a body that failed (or nothing once stopped). */
  private replacement: Iterator<Uint8Array> | undefined = undefined;

  constructor(
    private readonly body: Iterable<Uint8Array> & Body,
    private readonly observer: StepObserver,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Uint8Array> {
    let step: IteratorResult<Uint8Array>;
    if (this.replacement !== undefined) {
      step = this.replacement.next();
    } else {
      try {
        const pull = this.observer.pull;
        step = pull === undefined ? this.step() : pull((this.stepBound ??= this.step.bind(this)));
      } catch (error) {
        this.replacement = this.observer.failed(error)[Symbol.iterator]();
        step = this.replacement.next();
      }
    }
    return this.observer.observe(step);
  }

  private step(): IteratorResult<Uint8Array> {
    this.inner ??= this.body[Symbol.iterator]();
    return this.inner.next();
  }

  return(value?: unknown): IteratorResult<Uint8Array> {
    this.replacement = NOTHING;
    const inner = this.inner;
    const pull = this.observer.pull;
    if (pull === undefined) inner?.return?.(value);
    else if (inner?.return !== undefined) pull(() => inner.return!(value));
    return DONE;
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}

class AsyncObservedBody implements AsyncIterableIterator<Uint8Array> {
  private inner: AsyncIterator<Uint8Array> | undefined = undefined;
  private stepBound: (() => Promise<IteratorResult<Uint8Array>>) | undefined = undefined;
  private replacement: Iterator<Uint8Array> | undefined = undefined;

  constructor(
    private readonly body: AsyncIterable<Uint8Array> & Body,
    private readonly observer: StepObserver,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    let step: IteratorResult<Uint8Array>;
    if (this.replacement !== undefined) {
      step = this.replacement.next();
    } else {
      try {
        const pull = this.observer.pull;
        step = await (pull === undefined ? this.step() : pull((this.stepBound ??= this.step.bind(this))));
      } catch (error) {
        this.replacement = this.observer.failed(error)[Symbol.iterator]();
        step = this.replacement.next();
      }
    }
    return this.observer.observe(step);
  }

  private step(): Promise<IteratorResult<Uint8Array>> {
    this.inner ??= this.body[Symbol.asyncIterator]();
    return this.inner.next();
  }

  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    this.replacement = NOTHING;
    const inner = this.inner;
    const pull = this.observer.pull;
    if (pull === undefined) await inner?.return?.(value);
    else if (inner?.return !== undefined) await pull(() => inner.return!(value));
    return DONE;
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}
