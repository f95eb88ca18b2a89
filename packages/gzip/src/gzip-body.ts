/**
 * The body gzip() returns when it must look at the app's body before deciding: it
 * pulls the first chunk (an `async function*` app calls startResponse only then),
 * buffers up to the threshold, and then sends the body as it is, compressed in one
 * call, or through a zlib stream with backpressure. It closes the app's body exactly
 * once, through its own `close()`, and ends the app's iterator when it is stopped early.
 *
 * It reads and reports to a {@link HeldResponse} (the request's GzipResponse), which
 * sends the status and headers once the body has shown what it is; the body never
 * imports the class that made it.
 *
 * @example
 * return new GzipBody(response, body); // response: GzipResponse, a HeldResponse
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @module
 */
import { checkChunk, closeBody, concatBytes, type Body } from '@tsgi/core';
import type { ContentEncoder, Pump } from './content-encoder.js';
import type { ResolvedGzipOptions } from './options.js';

/**
 * Where the response stands. pending: startResponse not called yet; deferred: held,
 * may be compressed; passed: sent as the app made it; encoding: sent compressed;
 * refused: answered 406.
 */
export type ResponseMode = 'pending' | 'deferred' | 'passed' | 'encoding' | 'refused';

/** What a GzipBody reads and reports to: the response it is the body of (GzipResponse). */
export interface HeldResponse {
  /** Read again after each pull: the app's first chunk may be what calls startResponse. */
  readonly mode: ResponseMode;
  /** A HEAD request: headers only, the body is not compressed. */
  readonly head: boolean;
  readonly config: Pick<ResolvedGzipOptions, 'threshold' | 'oneShotLimit'>;
  /** The chosen coding's encoder, once the response is deferred. */
  readonly encoder: ContentEncoder | undefined;
  /** Whether to sync-flush after each chunk (GzipOptions.flush for this media type). */
  readonly flush: boolean;
  /** Whether a whole body of `length` bytes goes as it is (under the threshold, and identity acceptable). */
  sendsAsIs(length: number | undefined): boolean;
  /** The next chunk the app passed to write() while the response was held, if any. */
  takeWritten(): Uint8Array | undefined;
  /** The 406 body. */
  refuse(): Uint8Array;
  /** Sends the held status and headers unchanged but for Vary. */
  forwardIdentity(): void;
  /** Sends the held status with the headers of a compressed response. */
  forwardEncoded(contentLength?: number): void;
}

type Phase = 'start' | 'buffer' | 'identity' | 'stream' | 'done';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const ignore = (): void => {};

export class GzipBody implements AsyncIterableIterator<Uint8Array> {
  private phase: Phase = 'start';
  private iterator: Iterator<Uint8Array> | AsyncIterator<Uint8Array> | undefined;
  private readonly sync: boolean;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private pump: Pump | undefined;
  private innerDone = false;
  private returned = false;
  private busy = false;
  private closed = false;

  constructor(
    private readonly response: HeldResponse,
    private readonly inner: Body,
  ) {
    this.sync = !(Symbol.asyncIterator in inner);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.busy = true;
    try {
      return await this.step();
    } catch (error) {
      // Destroying zlib under a pending write rejects it; the caller has gone already.
      if (this.closed) return DONE;
      throw error;
    } finally {
      this.busy = false;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.stop();
    const ended = this.endIterator();
    // Awaiting an iterator that is mid-next() would wait for its next chunk.
    if (ended && !this.busy) await ended;
    return DONE;
  }

  close(): Promise<void> | void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    void this.endIterator();
    return closeBody(this.inner);
  }

  private stop(): void {
    this.phase = 'done';
    this.buffered = [];
    this.pump?.destroy();
  }

  private endIterator(): Promise<unknown> | undefined {
    const it = this.iterator;
    if (!it || this.innerDone || this.returned || typeof it.return !== 'function') return undefined;
    this.returned = true;
    try {
      const result = it.return();
      return result instanceof Promise ? result.then(ignore, ignore) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The next chunk: first anything the app passed to write(), then the body's. */
  private async pull(): Promise<Uint8Array | undefined> {
    const written = this.response.takeWritten();
    if (written) return written;
    if (this.innerDone) return undefined;
    const it = (this.iterator ??= this.sync
      ? (this.inner as Iterable<Uint8Array>)[Symbol.iterator]()
      : (this.inner as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]());
    const result = await it.next();
    if (result.done) {
      this.innerDone = true;
      return undefined;
    }
    // zlib would take a string as text and throw its own words at anything else.
    if (!(result.value instanceof Uint8Array)) throw new TypeError(`gzip: ${checkChunk(result.value)}`);
    return result.value;
  }

  private hold(chunk: Uint8Array): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.byteLength;
  }

  /** How many bytes to buffer before streaming; see GzipOptions.threshold and oneShotLimit. */
  private stopAt(): number {
    const { config } = this.response;
    // A sync iterable cannot wait on anything: collect it for the 10x faster one-shot
    // path, and its length is then known, so the threshold applies.
    if (this.sync) return Math.max(config.oneShotLimit + 1, config.threshold);
    // An async body of unknown length streams from its first chunk: holding a slow
    // stream until a threshold's worth arrived held its first bytes to the end. (A
    // known length under the threshold was passed on from the headers already.)
    return 0;
  }

  private async step(): Promise<IteratorResult<Uint8Array>> {
    const response = this.response;
    for (;;) {
      switch (this.phase) {
        case 'start': {
          if (response.mode === 'pending') {
            const chunk = await this.pull();
            if (chunk) this.hold(chunk);
          }
          const mode: string = response.mode;
          if (mode === 'refused') {
            this.phase = 'done';
            return { value: response.refuse(), done: false };
          }
          if (mode !== 'deferred') {
            // Passed through, or the app never called startResponse: the gateway will say so.
            this.phase = 'identity';
          } else if (response.head) {
            response.forwardEncoded();
            this.phase = 'identity';
          } else {
            this.phase = 'buffer';
          }
          continue;
        }
        case 'buffer': {
          const stopAt = this.stopAt();
          while (this.bufferedBytes < stopAt && !this.innerDone) {
            const chunk = await this.pull();
            if (chunk) this.hold(chunk);
          }
          if (this.phase !== 'buffer') continue;
          if (this.innerDone) {
            if (response.sendsAsIs(this.bufferedBytes)) {
              response.forwardIdentity();
              this.phase = 'identity';
              continue;
            }
            const input = concatBytes(this.buffered, this.bufferedBytes);
            this.buffered = [];
            const output = await response.encoder!.compress(input);
            this.phase = 'done';
            response.forwardEncoded(output.byteLength);
            return { value: output, done: false };
          }
          response.forwardEncoded();
          // Sync-flush per chunk only where the app may pause between chunks: the
          // chunks of a sync iterable are all there, and flushing them costs ratio.
          this.pump = response.encoder!.createPump(response.flush && !this.sync);
          this.phase = 'stream';
          continue;
        }
        case 'identity': {
          if (this.buffered.length > 0) return { value: this.buffered.shift()!, done: false };
          const chunk = await this.pull();
          if (chunk === undefined) {
            this.phase = 'done';
            continue;
          }
          return { value: chunk, done: false };
        }
        case 'stream': {
          const pump = this.pump!;
          const output = pump.take();
          if (output) return { value: output, done: false };
          if (pump.ended) {
            this.phase = 'done';
            continue;
          }
          if (this.buffered.length > 0) {
            // What was held (a sync body's first oneShotLimit bytes) goes to zlib in one
            // go: one await instead of one per chunk, and no copy (a Buffer.concat'ed
            // 1 MB write per request put the main thread's GC at 12%). Its output is
            // queued here meanwhile, no more than the input already held. zlib still
            // works per input chunk: 64 KB slices cost ~10% more zlib CPU than one 1 MB
            // write, with plain node:zlib too (see the gzip-1mb-stream bench row).
            const held = this.buffered;
            this.buffered = [];
            await pump.writeAll(held);
            continue;
          }
          if (this.innerDone) {
            await pump.finish();
            continue;
          }
          const chunk = await this.pull();
          if (chunk !== undefined && chunk.byteLength > 0) await pump.write(chunk);
          continue;
        }
        case 'done':
          return DONE;
      }
    }
  }
}
