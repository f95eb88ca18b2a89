/**
 * The inner half of the Node adapters (`toConnect`, `toFastify`): while the host's
 * stack below the tsgi middleware runs, what it writes to the host's `res` (status,
 * headers, body) is captured and handed to the middleware as its inner app's
 * response. `res.writeHead`, `write`, `end` and `flushHeaders` are patched on the
 * instance (see patched-response.ts), so `res.json()`, `pipe()`, `res.sendFile()` and
 * a bare `res.end()` all land here; the real response is written later by the adapter
 * through {@link ResponseCapture.outer}, which calls the methods that were there before.
 * A capture on top of another (a second adapter layer below the first) writes its
 * layer's answer into the one below it through a `LayerResponse` (layer-response.ts).
 *
 * The body streams: `write()` queues bytes and returns false past `highWaterMark`,
 * and `'drain'` is emitted on `res` when the middleware has pulled the queue down, so
 * a piped stream below keeps its backpressure. A response the host ends in the turn
 * it starts it (most `res.send()`) becomes an array body, which the gateway writes
 * with a Content-Length in one call.
 *
 * @example
 * const capture = new ResponseCapture(res, 16384);
 * next(); // the host's stack writes to res
 * await capture.head(); // then capture.status, capture.headers, capture.body()
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { statusLine, type Body, type ResponseHeaders } from '@tsgi/core';
import { nodeHeaderList } from './node-headers.js';
import { LayerResponse } from './layer-response.js';
import { captureBelow, outerResponse, patchResponse, restoreResponse, type CaptureSink, type PreviousMethods } from './patched-response.js';

const DONE: IteratorResult<Uint8Array> = Object.freeze({ done: true, value: undefined });

/** What the host's stack below wrote to `res`, as a tsgi response. */
export class ResponseCapture implements AsyncIterableIterator<Uint8Array>, CaptureSink {
  status = '';
  headers: ResponseHeaders = [];
  committed = false;
  ended = false;
  private closed = false;
  private error: Error | null = null;
  /** The nested layer writing into this capture, if the host's stack below has one. */
  private nested: LayerResponse | null = null;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private needDrain = false;
  private waiter: (() => void) | null = null;
  private headWaiter: { resolve(): void; reject(error: Error): void } | null = null;
  private keepHeadWaiter: ((resolve: () => void, reject: (error: Error) => void) => void) | null = null;
  private readonly previous: PreviousMethods;
  /**
   * Where the middleware's answer goes, with the methods the response had before: the
   * client's response, or for a capture on top of another the layer above's capture.
   */
  readonly outer: ServerResponse;

  constructor(
    readonly res: ServerResponse,
    private readonly highWaterMark: number,
  ) {
    this.previous = patchResponse(res, this);
    const below = captureBelow(res, this);
    if (below === undefined) this.outer = outerResponse(res, this.previous);
    else {
      const layer = new LayerResponse(res, this.previous, below, highWaterMark);
      below.nested = layer;
      // The gateway's writer takes it for the ServerResponse it is shaped as.
      this.outer = layer as unknown as ServerResponse;
    }
  }

  /** Puts back the methods the response had: the middleware answers without the host's stack. */
  release(): void {
    restoreResponse(this.res, this, this.previous);
  }

  /**
   * The host's response closed (done, or the client left): a capture still waiting
   * for the host's stack gives up with `error()`, a nested layer's writer stops.
   */
  hostClosed(error: () => Error): void {
    if (!this.committed) this.abandon(error());
    if (this.outer instanceof LayerResponse) this.outer.stop();
  }

  /** The nested layer writing into this capture cut its response: the inner body fails with `error`. */
  fail(error: Error): void {
    if (this.closed || this.ended) return;
    this.error = error;
    const waiter = this.headWaiter;
    this.headWaiter = null;
    waiter?.reject(error);
    this.wakeUp();
  }

  /** Status and headers as they stand when the host's stack starts its response. */
  commit(): void {
    const res = this.res;
    this.committed = true;
    // The reason node would have sent (its table knows 418 and a few more than core's).
    const code = res.statusCode;
    this.status = `${code} ${res.statusMessage || STATUS_CODES[code] || (code < 600 ? statusLine(code).slice(4) : 'Unknown')}`;
    // The header list moves to the tsgi side: the writer starts from an empty one.
    try {
      this.headers = nodeHeaderList(res, true, 'tsgi adapter');
    } catch (error) {
      // A transfer coding the gateway cannot apply: the middleware's app fails with it
      // (a 500 from the gateway above), the host's own code is not thrown into.
      this.fail(error as Error);
      return;
    }
    const waiter = this.headWaiter;
    this.headWaiter = null;
    waiter?.resolve();
  }

  /** Resolves when the host's stack starts its response; rejects if the client leaves first. */
  head(): Promise<void> {
    // An error first: a head whose headers could not be taken (node-framing.ts) failed.
    if (this.error !== null) return Promise.reject(this.error);
    if (this.committed) return Promise.resolve();
    // A bound method, not an arrow: no closure and context per request (see fastify.ts).
    return new Promise<void>((this.keepHeadWaiter ??= this.waitForHead.bind(this)));
  }

  private waitForHead(resolve: () => void, reject: (error: Error) => void): void {
    this.headWaiter = { resolve, reject };
  }

  /** The client left before the host's stack answered. */
  abandon(error: Error): void {
    const waiter = this.headWaiter;
    this.headWaiter = null;
    waiter?.reject(error);
    this.close();
  }

  /** The captured body: an array when the host's stack has already ended it, else this stream. */
  body(): Body {
    if (this.ended && !this.closed) {
      this.closed = true;
      return this.queue.splice(0);
    }
    return this;
  }

  push(chunk: Uint8Array): void {
    if (this.closed || this.ended || chunk.byteLength === 0) return;
    this.queue.push(chunk);
    this.queued += chunk.byteLength;
    this.wakeUp();
  }

  end(): void {
    this.ended = true;
    this.wakeUp();
  }

  /** What `res.write()` returns: false once the queue holds `highWaterMark` bytes. */
  writable(): boolean {
    if (this.queued < this.highWaterMark) return true;
    this.needDrain = true;
    return false;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.queued -= chunk.byteLength;
        if (this.needDrain && this.queued < this.highWaterMark) this.drain();
        return { done: false, value: chunk };
      }
      if (this.ended || this.closed) return DONE;
      if (this.error !== null) throw this.error;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.close();
    return DONE;
  }

  /**
   * The middleware is done with the body: later writes below are dropped, a waiting
   * pipe is let go, and a nested layer still writing is stopped.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queued = 0;
    if (this.needDrain) this.drain();
    this.wakeUp();
    if (!this.ended) this.nested?.stop();
  }

  private drain(): void {
    this.needDrain = false;
    this.res.emit('drain');
  }

  private wakeUp(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
