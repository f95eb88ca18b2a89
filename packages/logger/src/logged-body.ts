/**
 * Body wrappers for iterables that are not arrays: they count the bytes of each
 * chunk as the gateway pulls it, note whether the iteration ended, threw or was
 * stopped, and pass close() to the inner body once. They pull only when pulled
 * (backpressure is the gateway's), never copy a chunk, and keep the inner body's
 * kind: a sync iterable stays sync, an async one async.
 *
 * Arrays are never wrapped (see {@link AccessLogEntry.attach}): the gateway writes them in
 * one call.
 *
 * @example
 * return Symbol.iterator in body ? new SyncLoggedBody(body, entry) : new AsyncLoggedBody(body, entry);
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import type { Body } from '@tsgi/core';

/** What a wrapper reports to; implemented by the per-request AccessLogEntry. */
export interface BodyObserver {
  /** Adds the bytes of a chunk that passed. */
  counted(chunk: Uint8Array | undefined): void;
  /** The iteration reached its end. */
  ended(): void;
  /** The iteration threw. */
  failed(error: unknown): void;
  /** The gateway closed the body: close the inner one and write the line. */
  close(body: Body): void | Promise<void>;
}

class SyncLoggedIterator implements Iterator<Uint8Array> {
  constructor(
    private readonly inner: Iterator<Uint8Array>,
    private readonly observer: BodyObserver,
  ) {}

  next(): IteratorResult<Uint8Array> {
    let result: IteratorResult<Uint8Array>;
    try {
      result = this.inner.next();
    } catch (error) {
      this.observer.failed(error);
      throw error;
    }
    if (result.done) this.observer.ended();
    else this.observer.counted(result.value);
    return result;
  }

  return(value?: unknown): IteratorResult<Uint8Array> {
    return this.inner.return ? this.inner.return(value) : { done: true, value: undefined };
  }
}

class AsyncLoggedIterator implements AsyncIterator<Uint8Array> {
  constructor(
    private readonly inner: AsyncIterator<Uint8Array>,
    private readonly observer: BodyObserver,
  ) {}

  async next(): Promise<IteratorResult<Uint8Array>> {
    let result: IteratorResult<Uint8Array>;
    try {
      result = await this.inner.next();
    } catch (error) {
      this.observer.failed(error);
      throw error;
    }
    if (result.done) this.observer.ended();
    else this.observer.counted(result.value);
    return result;
  }

  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    return this.inner.return ? this.inner.return(value) : { done: true, value: undefined };
  }
}

/** A sync iterable body, observed. */
export class SyncLoggedBody implements Iterable<Uint8Array> {
  constructor(
    private readonly body: Iterable<Uint8Array> & Body,
    private readonly observer: BodyObserver,
  ) {}

  [Symbol.iterator](): Iterator<Uint8Array> {
    let inner: Iterator<Uint8Array>;
    try {
      inner = this.body[Symbol.iterator]();
    } catch (error) {
      this.observer.failed(error);
      throw error;
    }
    return new SyncLoggedIterator(inner, this.observer);
  }

  close(): void | Promise<void> {
    return this.observer.close(this.body);
  }
}

/** An async iterable body, observed. */
export class AsyncLoggedBody implements AsyncIterable<Uint8Array> {
  constructor(
    private readonly body: AsyncIterable<Uint8Array> & Body,
    private readonly observer: BodyObserver,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let inner: AsyncIterator<Uint8Array>;
    try {
      inner = this.body[Symbol.asyncIterator]();
    } catch (error) {
      this.observer.failed(error);
      throw error;
    }
    return new AsyncLoggedIterator(inner, this.observer);
  }

  close(): void | Promise<void> {
    return this.observer.close(this.body);
  }
}
