/**
 * Reading a whole request body from `wsgi.input`, with a size limit enforced before
 * reading (when CONTENT_LENGTH says too much) and while reading (chunked bodies).
 * @module
 */
import { HttpError } from './errors.js';
import { concatBytes } from './input-stream.js';
import type { Environ } from './types.js';

export interface ReadBodyOptions {
  /**
   * Largest body accepted, in bytes; past it `readBody` rejects with an `HttpError`
   * of status 413.
   * @default 1048576 (1 MiB)
   */
  limit?: number;
}

const DEFAULT_LIMIT = 1024 * 1024;

/** Reads the request body in full, as one `Uint8Array`. */
export async function readBody(environ: Environ, options: ReadBodyOptions = {}): Promise<Uint8Array> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!(limit >= 0)) throw new TypeError(`readBody: limit must be a number >= 0, got ${String(limit)}`);
  const declared = environ.CONTENT_LENGTH ? Number(environ.CONTENT_LENGTH) : undefined;
  if (declared !== undefined && declared > limit) {
    throw new HttpError(413, `request body of ${declared} bytes is over the limit of ${limit} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of environ['wsgi.input']) {
    total += chunk.byteLength;
    if (total > limit) {
      throw new HttpError(413, `request body is over the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return concatBytes(chunks, total);
}
