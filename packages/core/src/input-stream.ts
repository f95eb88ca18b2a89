/**
 * The reading half of `wsgi.input`, written once for every gateway: a subclass says
 * how to pull the next chunk of the body (from a node request, a fetch stream, a test
 * body) and gets PEP 3333's `read`, `readline`, `readlines` and async iteration.
 * Chunks are handed on as views of what the source gave; bytes are copied only when
 * one `read(size)` or `readline()` must join several chunks.
 *
 * @example
 * class ArrayInput extends PullInputStream {
 *   constructor(private chunks: Uint8Array[]) { super(); }
 *   protected async pullChunk() { return this.chunks.shift() ?? null; }
 * }
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { InputStream } from './types.js';

const EMPTY = new Uint8Array(0);
const NEWLINE = 10;

/** Joins byte chunks into one; a single chunk is returned as it is. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return EMPTY;
  const out = new Uint8Array(total ?? parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export abstract class PullInputStream implements InputStream {
  /** What a read took from the source but did not hand out. */
  #rest: Uint8Array | null = null;

  /**
   * The next non-empty chunk of the body, or `null` at its end. It must never give
   * bytes past CONTENT_LENGTH: they belong to the next request.
   */
  protected abstract pullChunk(): Promise<Uint8Array | null>;

  /** Joins the parts of one read; a gateway on Node may return a Buffer here. */
  protected join(parts: Uint8Array[], total: number): Uint8Array {
    return concatBytes(parts, total);
  }

  /** The bytes taken from the source but not yet handed out. */
  protected get buffered(): number {
    return this.#rest === null ? 0 : this.#rest.byteLength;
  }

  #next(): Promise<Uint8Array | null> {
    const rest = this.#rest;
    if (rest !== null) {
      this.#rest = null;
      return Promise.resolve(rest);
    }
    return this.pullChunk();
  }

  read(size?: number): Promise<Uint8Array> {
    return this.#collect(size, false);
  }

  readline(size?: number): Promise<Uint8Array> {
    return this.#collect(size, true);
  }

  /** Up to `size` bytes (all when absent or negative), ending after the first newline when `toNewline`. */
  async #collect(size: number | undefined, toNewline: boolean): Promise<Uint8Array> {
    const limit = size === undefined || size < 0 ? Infinity : size;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < limit) {
      let chunk = await this.#next();
      if (chunk === null) break;
      const newline = toNewline ? chunk.indexOf(NEWLINE) : -1;
      const end = Math.min(newline === -1 ? chunk.byteLength : newline + 1, limit - total);
      if (end < chunk.byteLength) {
        this.#rest = chunk.subarray(end);
        chunk = chunk.subarray(0, end);
      }
      parts.push(chunk);
      total += end;
      if (newline !== -1 && newline < end) break;
    }
    return this.join(parts, total);
  }

  async readlines(hint?: number): Promise<Uint8Array[]> {
    const lines: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.byteLength === 0) return lines;
      lines.push(line);
      total += line.byteLength;
      if (hint !== undefined && hint > 0 && total >= hint) return lines;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk = await this.#next();
      if (chunk === null) return;
      yield chunk;
    }
  }
}
