/**
 * gzip and deflate over the web's `CompressionStream`, for runtimes without node:zlib
 * (Cloudflare Workers without nodejs_compat); `createEncoder` in encoders.ts picks it.
 *
 * What it cannot do, and what gzip() does about it: no brotli or zstd (not offered,
 * so negotiation falls to gzip/deflate); no level or zlib options (the runtime's
 * default level); no flush of a partial block, so a response that must be flushed
 * chunk by chunk (`text/event-stream`) is sent uncompressed rather than held back
 * (`canFlush` is false). One-shot compression is asynchronous.
 *
 * @example
 * const encoder = new WebEncoder('gzip');
 * const compressed = await encoder.compress(new TextEncoder().encode('hello'));
 * @see https://compression.spec.whatwg.org/
 * @module
 */
import { concatBytes } from '@tsgi/core';
import type { Coding, ContentEncoder, Pump } from './content-encoder.js';

/** The codings CompressionStream makes, in server preference order. */
export const WEB_CODINGS: readonly Coding[] = ['gzip', 'deflate'];

interface ByteTransform {
  readonly writable: WritableStream<Uint8Array>;
  readonly readable: ReadableStream<Uint8Array>;
}

type CompressionStreamClass = new (format: 'gzip' | 'deflate') => ByteTransform;

const ignore = (): void => {};

export class WebEncoder implements ContentEncoder {
  readonly canFlush = false;
  private readonly format: 'gzip' | 'deflate';

  constructor(readonly coding: Coding) {
    if (coding !== 'gzip' && coding !== 'deflate') {
      throw new TypeError(`gzip: ${coding} needs node:zlib, which this runtime lacks; CompressionStream offers gzip and deflate`);
    }
    this.format = coding;
  }

  createPump(): Pump {
    const Stream = (globalThis as { CompressionStream?: CompressionStreamClass }).CompressionStream;
    if (Stream === undefined) throw new Error('gzip: this runtime has neither node:zlib nor CompressionStream');
    return new WebPump(new Stream(this.format));
  }

  async compress(input: Uint8Array): Promise<Uint8Array> {
    const pump = this.createPump();
    await pump.write(input);
    await pump.finish();
    const parts: Uint8Array[] = [];
    for (let part = pump.take(); part !== undefined; part = pump.take()) parts.push(part);
    return concatBytes(parts);
  }
}

/** Feeds a CompressionStream one chunk at a time while a read loop collects its output. */
export class WebPump implements Pump {
  ended = false;
  private readonly queue: Uint8Array[] = [];
  private error: unknown;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Settles when the compressor's output has all been read. */
  private readonly drained: Promise<void>;

  constructor(stream: ByteTransform) {
    this.writer = stream.writable.getWriter();
    this.reader = stream.readable.getReader();
    // Reading all along: the stream's backpressure would otherwise stall write().
    this.drained = this.drain();
    this.drained.catch(ignore);
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        if (value.byteLength > 0) this.queue.push(value);
      }
      this.ended = true;
    } catch (error) {
      this.error = error;
      throw error;
    }
  }

  take(): Uint8Array | undefined {
    return this.queue.shift();
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error);
    return this.writer.write(chunk);
  }

  async writeAll(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) await this.write(chunk);
  }

  async finish(): Promise<void> {
    if (this.error !== undefined) throw this.error;
    await this.writer.close();
    await this.drained;
  }

  destroy(): void {
    this.writer.abort().catch(ignore);
    this.reader.cancel().catch(ignore);
  }
}
