/**
 * One encoder per content coding, built once per `gzip()` call: a streaming
 * compressor factory and one-shot compressors, with their node:zlib options fixed.
 *
 * node:zlib is looked up at run time (core's `nodeBuiltin`), not imported: where a
 * runtime has none (Cloudflare Workers without nodejs_compat) `createEncoder` gives a
 * `WebEncoder` over `CompressionStream` instead, for gzip and deflate only.
 *
 * One-shot compression is much faster than node:zlib's stream interface for small
 * bodies, so whole bodies use it. Up to `SYNC_LIMIT` bytes the synchronous call is
 * fastest; above it the async call runs on the libuv pool, keeps the event loop free
 * and uses the other cores (docs/benchmarks.md, figures behind choices in the code).
 * The synchronous calls run on one zlib handle kept per encoder (one-shot.ts), not a
 * new compressor and output buffer per body.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.4.1 (content codings)
 * @see https://nodejs.org/api/zlib.html
 * @module
 */
import { nodeBuiltin } from '@tsgi/core';
import type { Transform } from 'node:stream';
import type zlibModule from 'node:zlib';
import type { Coding, ContentEncoder, Pump } from './content-encoder.js';
import { reusableCompressor, type ReusableCompressor } from './one-shot.js';
import { WEB_CODINGS, WebEncoder } from './web-encoder.js';
import { ZlibPump } from './zlib-pump.js';

/** Bodies up to this size are compressed synchronously (see above). */
export const SYNC_LIMIT = 32 * 1024;

/**
 * A stream's output buffer: zlib runs one job on the libuv pool per full buffer, and with
 * many responses in flight each job starts on a cold cache; 64 KB rather than node's 16 KB
 * (docs/benchmarks.md, figures behind choices in the code). A `chunkSize` in the options wins.
 */
const STREAM_CHUNK = 64 * 1024;

type OneShot = (input: Uint8Array, options: object) => Uint8Array;
type OneShotAsync = (input: Uint8Array, options: object, callback: (error: Error | null, result: Uint8Array) => void) => void;
type StreamFactory = (options: object) => Transform;

/** The runtime's node:zlib; undefined on Workers without nodejs_compat. */
const nodeZlib = nodeBuiltin<typeof zlibModule>('node:zlib');
// zstd arrived in Node 22.15 / 23.8; @types/node 20 does not know it, hence the lookup.
const z = (nodeZlib ?? {}) as unknown as Record<string, unknown>;

/** Whether the running runtime can compress with zstd. */
export const ZSTD_AVAILABLE = typeof z.createZstdCompress === 'function';

/** Codings this runtime supports, in the default server preference order. */
export const AVAILABLE_CODINGS: readonly Coding[] =
  nodeZlib === undefined ? WEB_CODINGS : ZSTD_AVAILABLE ? ['zstd', 'br', 'gzip', 'deflate'] : ['br', 'gzip', 'deflate'];

export const KNOWN_CODINGS: ReadonlySet<string> = new Set(['gzip', 'deflate', 'br', 'zstd']);

export interface EncoderSettings {
  level: number;
  zlibOptions: zlibModule.ZlibOptions;
  brotliOptions: zlibModule.BrotliOptions;
}

/** The encoder for `coding`: node:zlib's where the runtime has it, else CompressionStream's. */
export function createEncoder(coding: Coding, settings: EncoderSettings): ContentEncoder {
  return nodeZlib === undefined ? new WebEncoder(coding) : new Encoder(coding, settings);
}

export class Encoder implements ContentEncoder {
  readonly canFlush = true;
  private readonly options: object;
  private readonly flushOptions: object;
  private readonly sync: OneShot;
  private readonly async: OneShotAsync;
  private readonly factory: StreamFactory;
  private readonly finish: number;
  /** The handle small bodies are compressed on (one-shot.ts); made at the first one, undefined where the runtime has none. */
  private reusable: ReusableCompressor | undefined | null = null;

  constructor(
    readonly coding: Coding,
    settings: EncoderSettings,
  ) {
    // Made only by createEncoder, where the runtime has node:zlib.
    const zlib = nodeZlib!;
    const c = zlib.constants as unknown as Record<string, number>;
    let flush: number;
    let finish: number;
    if (coding === 'br') {
      // Quality 11 (node's default) costs ~20x the CPU of 4 for a few % smaller output.
      this.options = {
        ...settings.brotliOptions,
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, ...settings.brotliOptions.params },
      };
      flush = zlib.constants.BROTLI_OPERATION_FLUSH;
      finish = zlib.constants.BROTLI_OPERATION_FINISH;
    } else if (coding === 'zstd') {
      this.options = {};
      flush = c.ZSTD_e_flush ?? 1;
      finish = c.ZSTD_e_end ?? 2;
    } else {
      this.options = { ...settings.zlibOptions, level: settings.level };
      flush = zlib.constants.Z_SYNC_FLUSH;
      finish = zlib.constants.Z_FINISH;
    }
    this.finish = finish;
    this.flushOptions = { ...this.options, flush };
    const names = {
      gzip: ['gzipSync', 'gzip', 'createGzip'],
      deflate: ['deflateSync', 'deflate', 'createDeflate'],
      br: ['brotliCompressSync', 'brotliCompress', 'createBrotliCompress'],
      zstd: ['zstdCompressSync', 'zstdCompress', 'createZstdCompress'],
    }[coding];
    this.sync = z[names[0]!] as OneShot;
    this.async = z[names[1]!] as OneShotAsync;
    this.factory = z[names[2]!] as StreamFactory;
    // Fails now, with node:zlib's message, on a bad level or option.
    this.sync(new Uint8Array(0), this.options);
  }

  /** A new streaming compressor; with `flush`, every write leaves it as a complete sync-flushed block. */
  createPump(flush: boolean): Pump {
    return new ZlibPump(this.factory({ chunkSize: STREAM_CHUNK, ...(flush ? this.flushOptions : this.options) }));
  }

  /** Compresses a whole body: synchronously when small (on the kept handle where there is one), on the libuv pool otherwise. */
  compress(input: Uint8Array): Uint8Array | Promise<Uint8Array> {
    if (input.byteLength <= SYNC_LIMIT) {
      let reusable = this.reusable;
      if (reusable === null || (reusable !== undefined && !reusable.usable)) {
        reusable = this.reusable = reusableCompressor(this.factory, this.options, this.finish, this.sync);
      }
      return reusable === undefined ? this.sync(input, this.options) : reusable.compress(input);
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.async(input, this.options, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }
}
