/**
 * The shapes gzip() compresses through, whichever API does the work: a
 * `ContentEncoder` per content coding (node:zlib's `Encoder` in encoders.ts,
 * CompressionStream's `WebEncoder` in web-encoder.ts) and the `Pump` it makes for a
 * streamed body (`ZlibPump`, `WebPump`). Types only, so the encoders and the bodies
 * that use them import this file and not each other.
 *
 * @example
 * const pump: Pump = encoder.createPump(true);
 * await pump.write(chunk);
 * const out = pump.take();
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.4.1 (content codings)
 * @module
 */

/** A content coding gzip() can produce. */
export type Coding = 'gzip' | 'deflate' | 'br' | 'zstd';

/**
 * A compressor fed one chunk at a time (ZlibPump, WebPump): `write()` resolves once
 * the chunk is consumed, `take()` hands out what is compressed so far.
 */
export interface Pump {
  /** True once the compressor has emitted its last byte. */
  readonly ended: boolean;
  take(): Uint8Array | undefined;
  write(chunk: Uint8Array): Promise<void>;
  /** Writes several chunks in one go; resolves once the last is consumed. */
  writeAll(chunks: readonly Uint8Array[]): Promise<void>;
  finish(): Promise<void>;
  destroy(): void;
}

/** What gzip() needs of an encoder, whichever API compresses. */
export interface ContentEncoder {
  readonly coding: Coding;
  /** Whether `createPump(true)` really flushes each chunk (CompressionStream cannot). */
  readonly canFlush: boolean;
  createPump(flush: boolean): Pump;
  compress(input: Uint8Array): Uint8Array | Promise<Uint8Array>;
}
