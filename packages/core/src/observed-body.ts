/**
 * The body {@link wrapResponse} hands up when a middleware watches chunks, the end of
 * the iteration, or wants to recover from a body that fails before its first byte:
 * the one sync/async pair of body wrappers, so no middleware writes its own. A sync
 * body stays sync (no `await` per chunk), an async one async; `isAsyncBody` decides,
 * as every walker does. `close()` closes the wrapped body; `return()` ends its iterator.
 *
 * The wrapper reports each step to a {@link StepObserver} (the response it belongs
 * to) instead of reaching back into the class that made it.
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
        this.inner ??= this.body[Symbol.iterator]();
        step = this.inner.next();
      } catch (error) {
        this.replacement = this.observer.failed(error)[Symbol.iterator]();
        step = this.replacement.next();
      }
    }
    return this.observer.observe(step);
  }

  return(value?: unknown): IteratorResult<Uint8Array> {
    this.replacement = NOTHING;
    this.inner?.return?.(value);
    return DONE;
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}

class AsyncObservedBody implements AsyncIterableIterator<Uint8Array> {
  private inner: AsyncIterator<Uint8Array> | undefined = undefined;
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
        this.inner ??= this.body[Symbol.asyncIterator]();
        step = await this.inner.next();
      } catch (error) {
        this.replacement = this.observer.failed(error)[Symbol.iterator]();
        step = this.replacement.next();
      }
    }
    return this.observer.observe(step);
  }

  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    this.replacement = NOTHING;
    await this.inner?.return?.(value);
    return DONE;
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}
