/**
 * The response a nested adapter layer writes its middleware's answer to. With two
 * layers in one app (`app.use(toConnect(gzip())); app.use('/admin',
 * toConnect(basicAuth(...)))`), the second one's answer is not the client's: it goes
 * to the methods the host's `res` had before the second layer patched it (the first
 * layer's capture, through any host middleware that wrapped them in between), and
 * comes out of the first layer's inner app.
 *
 * It is a `Writable` of its own, shaped as much like a `ServerResponse` as the
 * gateway's writer (`NodeResponseWriter`) uses one (`writeHead`, `flushHeaders`,
 * `headersSent`, `shouldKeepAlive`, `'close'` and `'drain'`), so each layer's writer
 * has its own object to tag and listen on, and the two never share a `res`. Bytes
 * pass on with the previous `write()`; when it says false (the layer above holds
 * enough), the next write waits for its `'drain'` on the host's `res`, so backpressure
 * reaches from the client through every layer to the route below.
 *
 * Ends of a response pass between the layers both ways: a cut (an error after the
 * headers, a body shorter than its Content-Length) fails the layer above's inner
 * body; the layer above closing its inner body, or the client leaving, stops this
 * one (`'close'` before `'finish'`), and the writer closes the nested middleware's body.
 *
 * @example
 * const outer = new LayerResponse(res, previous, below, 16384);
 * const writer = new NodeResponseWriter(req, outer as unknown as ServerResponse, errors, null);
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { ResponseHeaders } from '@tsgi/core';
import { outerWriteHead, type PreviousMethods } from './patched-response.js';

/** The capture of the layer above, as this one sees it. */
export interface LayerBelow {
  /** The response this layer wrote was cut: the layer above's inner body fails with `error`. */
  fail(error: Error): void;
}

// The writer handles its own errors (a write after a cut is dropped, as node drops it).
function ignore(): void {}

export class LayerResponse extends Writable {
  headersSent = false;
  private stopped = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly previous: PreviousMethods,
    private readonly below: LayerBelow,
    highWaterMark: number,
  ) {
    super({ highWaterMark });
    this.on('error', ignore);
  }

  get shouldKeepAlive(): boolean {
    return this.res.shouldKeepAlive;
  }
  /** A writer that wants the connection closed after this response: so does the client's. */
  set shouldKeepAlive(keep: boolean) {
    if (!keep) this.res.shouldKeepAlive = false;
  }

  /** No socket of its own: a cut is a `destroy()`, which fails the layer above. */
  get socket(): null {
    return null;
  }

  writeHead(code: number, reason: string, headers: ResponseHeaders): this {
    this.headersSent = true;
    outerWriteHead.call(this.res, this.previous.writeHead, code, reason, headers);
    return this;
  }

  flushHeaders(): void {
    this.previous.flushHeaders.call(this.res);
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if ((this.previous.write as (chunk: Uint8Array) => boolean).call(this.res, chunk)) callback();
    else this.res.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    (this.previous.end as () => ServerResponse).call(this.res);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.stopped && !this.writableFinished) {
      this.below.fail(error ?? new Error('tsgi adapter: a nested adapter layer cut its response (an error after its headers, or a body shorter than its Content-Length)'));
    }
    callback(error);
  }

  /** The layer above needs no more (it closed its inner body, or the client left): ends this one's writer. */
  stop(): void {
    if (this.stopped || this.writableFinished) return;
    this.stopped = true;
    this.destroy();
  }
}
