/**
 * The body gzip() sends for a response it compresses as a stream: the app's chunks
 * (what it passed to `write()` first, then its body's) go through a compressor one at
 * a time, and the next chunk is not pulled before the compressor has taken the last,
 * so a slow client holds the app back instead of gzip buffering for it. A sync body's
 * first chunks, collected before the decision to stream, go in at once.
 *
 * Holding the status and headers, pulling a lazy app's first chunk, closing the app's
 * body once: core's `wrapResponse` does all that around it. This body only ends the
 * app's iteration when it is stopped early (the client left) and frees the compressor.
 *
 * @example
 * return new CompressedBody(encoder.createPump(flush), new BodyWalk(body), [], written);
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @module
 */
import { checkChunk, isPromise } from '@tsgi/core';
import { type BodyWalk } from '@tsgi/core/gateway';
import type { Pump } from './content-encoder.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const ignore = (): void => {};

export class CompressedBody implements AsyncIterableIterator<Uint8Array> {
  private stopped = false;
  private busy = false;

  /**
   * `held`: chunks already taken from the body (or written), fed first; `written`: the
   * live list of what the app passes to `write()`, taken before each body chunk.
   */
  constructor(
    private readonly pump: Pump,
    private readonly walk: BodyWalk,
    private held: Uint8Array[],
    private readonly written: Uint8Array[],
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.busy = true;
    try {
      return await this.step();
    } catch (error) {
      // Destroying zlib under a pending write rejects it; the caller has gone already.
      if (this.stopped) return DONE;
      throw error;
    } finally {
      this.busy = false;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    const stopping = this.stop();
    // Awaiting an iterator that is mid-next() would wait for its next chunk.
    if (stopping !== undefined && !this.busy) await stopping;
    return DONE;
  }

  /** Frees the compressor and ends the app's iteration; the wrapper closes the app's body. */
  close(): void {
    void this.stop();
  }

  private stop(): Promise<unknown> | undefined {
    if (this.stopped) return undefined;
    this.stopped = true;
    this.held = [];
    this.pump.destroy();
    try {
      const stopped = this.walk.stop();
      // return() may give any thenable (core's isPromise), not only a Promise.
      return isPromise(stopped) ? Promise.resolve(stopped).then(ignore, ignore) : undefined;
    } catch {
      return undefined;
    }
  }

  private async step(): Promise<IteratorResult<Uint8Array>> {
    const pump = this.pump;
    for (;;) {
      if (this.stopped) return DONE;
      const output = pump.take();
      if (output !== undefined) return { value: output, done: false };
      if (pump.ended) return DONE;
      if (this.held.length > 0) {
        // What was held (a sync body's first oneShotLimit bytes) goes to the compressor
        // in one go: one await instead of one per chunk, and for zlib one write (see
        // ZlibPump.writeAll). Its output is queued meanwhile, no more than the input
        // already held.
        const held = this.held;
        this.held = [];
        await pump.writeAll(held);
        continue;
      }
      const chunk = await this.pull();
      if (chunk === undefined) await pump.finish();
      else if (chunk.byteLength > 0) await pump.write(chunk);
    }
  }

  /** The next chunk: first anything the app passed to write(), then the body's. */
  private async pull(): Promise<Uint8Array | undefined> {
    const written = this.written;
    if (written.length === 0 && !this.walk.done) {
      const step = await this.walk.next();
      // What the app wrote while making this chunk comes before it.
      if (step.done !== true) written.push(step.value);
    }
    const chunk: unknown = written.shift();
    // zlib would take a string as text and throw its own words at anything else.
    if (chunk !== undefined && !(chunk instanceof Uint8Array)) throw new TypeError(`gzip: ${checkChunk(chunk)}`);
    return chunk;
  }
}
