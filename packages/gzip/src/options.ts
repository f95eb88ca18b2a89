/**
 * `gzip()` options, their defaults, and their resolution: checked and filled once,
 * when the middleware is built, so that requests only read plain fields.
 * @module
 */
import type { Environ } from '@tsgi/core';
import type { BrotliOptions, ZlibOptions } from 'node:zlib';
import { compressible } from './compressible.js';
import type { Coding, ContentEncoder } from './content-encoder.js';
import { AVAILABLE_CODINGS, createEncoder, KNOWN_CODINGS } from './encoders.js';
import { Negotiator } from './accept-encoding.js';

export interface GzipOptions {
  /**
   * Responses smaller than this many bytes are sent as they are. Decided for bodies
   * whose length is known: from Content-Length, an array body, or a sync iterable
   * (collected up to `oneShotLimit`). An async body without Content-Length is
   * compressed from its first chunk, so a slow stream is never held back.
   * @default 1024
   */
  threshold?: number;
  /**
   * zlib level for gzip and deflate, 0 (store) to 9 (smallest), -1 for zlib's own default.
   * Brotli's quality is set with `brotliOptions.params` and defaults to 4 here (node's
   * default, 11, is far slower for a few percent): both are tuned for dynamic responses.
   * @default 6
   */
  level?: number;
  /**
   * Content codings to offer, in server preference order; the client's q-values
   * decide first, this order breaks ties. `zstd` is skipped on a Node without it.
   * @default ['zstd', 'br', 'gzip', 'deflate'] (without 'zstd' on Node 20; only gzip and deflate,
   * through CompressionStream, on a runtime without node:zlib)
   */
  encodings?: readonly Coding[];
  /**
   * Decides by media type (and request) whether a response is worth compressing.
   * @default compressible: text/*, JSON, JavaScript, XML, SVG, YAML and the like
   */
  filter?: (contentType: string | undefined, environ: Environ) => boolean;
  /**
   * Sync-flush the compressor (Z_SYNC_FLUSH, or brotli's and zstd's flush) after every
   * chunk an async body yields, so each one reaches the client at once, as
   * Rack::Deflater's `sync`; it costs some ratio when chunks are small. A function
   * decides by Content-Type. Sync iterables are never flushed per chunk: nothing waits
   * between their chunks.
   * @default true
   */
  flush?: boolean | ((contentType: string | undefined) => boolean);
  /**
   * Other node:zlib options for gzip and deflate (memLevel, windowBits, strategy,
   * chunkSize: a streamed body's defaults to 64 KB); `level` and `flush` come from
   * their own options.
   * @default {}
   */
  zlibOptions?: ZlibOptions;
  /**
   * node:zlib options for brotli; `params` are merged over `{ BROTLI_PARAM_QUALITY: 4 }`.
   * @default {}
   */
  brotliOptions?: BrotliOptions;
  /**
   * A body known in full (an array body, or an iterable that ended while buffered) up
   * to this many bytes is compressed in one call and sent with a Content-Length;
   * larger or still-streaming bodies go through a zlib stream. Synchronous iterables
   * are buffered up to this size too, as they cannot wait on anything.
   * @default 1048576 (1 MiB)
   */
  oneShotLimit?: number;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, so `httpErrors()` from @tsgi/errors, above,
   * renders it like every other error (and `cascade` still falls through a thrown 404
   * or 405). Here: the 406 (with `Vary: Accept-Encoding`) when the client
   * accepts no coding we have, not even identity; thrown from `startResponse`.
   * @default false
   */
  throwHttpErrors?: boolean;
}

export const DEFAULTS = {
  threshold: 1024,
  level: 6,
  encodings: AVAILABLE_CODINGS,
  filter: compressible,
  flush: true,
  zlibOptions: {},
  brotliOptions: {},
  oneShotLimit: 1024 * 1024,
  throwHttpErrors: false,
} satisfies Required<GzipOptions>;

/** The options as the middleware uses them. */
export interface ResolvedGzipOptions {
  threshold: number;
  oneShotLimit: number;
  filter: (contentType: string | undefined, environ: Environ) => boolean;
  flush: (contentType: string | undefined) => boolean;
  encoders: ReadonlyMap<string, ContentEncoder>;
  negotiator: Negotiator;
  throwHttpErrors: boolean;
}

const ALWAYS = (): boolean => true;
const NEVER = (): boolean => false;

function byteCount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`gzip: ${name} must be a non-negative integer number of bytes, got ${String(value)}`);
  }
  return value;
}

function object<T>(name: string, value: T): T {
  if (typeof value !== 'object' || value === null) throw new TypeError(`gzip: ${name} must be an object`);
  return value;
}

export function resolveOptions(options: GzipOptions): ResolvedGzipOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('gzip: options must be an object');
  const o = { ...DEFAULTS, ...options };
  const { level, filter, flush } = o;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < -1 || level > 9) {
    throw new TypeError(`gzip: level must be an integer from -1 to 9, got ${String(level)}`);
  }
  if (typeof filter !== 'function') throw new TypeError('gzip: filter must be a function (contentType, environ) => boolean');
  if (typeof flush !== 'boolean' && typeof flush !== 'function') {
    throw new TypeError('gzip: flush must be a boolean or a function (contentType) => boolean');
  }
  if (!Array.isArray(o.encodings) || o.encodings.length === 0) {
    throw new TypeError('gzip: encodings must be a non-empty array such as ["br", "gzip"]');
  }
  const settings = { level, zlibOptions: object('zlibOptions', o.zlibOptions), brotliOptions: object('brotliOptions', o.brotliOptions) };
  const encoders = new Map<string, ContentEncoder>();
  for (const coding of o.encodings as readonly string[]) {
    if (!KNOWN_CODINGS.has(coding)) {
      throw new TypeError(`gzip: encodings: unknown coding ${JSON.stringify(coding)} (use gzip, deflate, br or zstd)`);
    }
    // Listing zstd or br keeps a config portable: each is used where the runtime has it.
    if (!AVAILABLE_CODINGS.includes(coding as Coding)) continue;
    if (encoders.has(coding)) continue;
    try {
      encoders.set(coding, createEncoder(coding as Coding, settings));
    } catch (error) {
      const option = coding === 'br' ? 'brotliOptions' : 'zlibOptions';
      throw new TypeError(`gzip: ${option}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (encoders.size === 0) throw new TypeError('gzip: encodings: none of these codings is available on this runtime (without node:zlib: gzip, deflate)');
  if (typeof o.throwHttpErrors !== 'boolean') throw new TypeError(`gzip: throwHttpErrors must be true or false, got ${String(o.throwHttpErrors)}`);
  return {
    threshold: byteCount('threshold', o.threshold),
    oneShotLimit: byteCount('oneShotLimit', o.oneShotLimit),
    filter,
    flush: flush === true ? ALWAYS : flush === false ? NEVER : flush,
    encoders,
    negotiator: new Negotiator([...encoders.keys()]),
    throwHttpErrors: o.throwHttpErrors,
  };
}
