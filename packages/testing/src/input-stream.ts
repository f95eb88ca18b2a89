/**
 * `wsgi.input` for the test client: a PEP 3333 input stream over a request body
 * given as bytes or as an (async) iterable of chunks. It never reads past
 * CONTENT_LENGTH, pulls chunks from the source only when the app asks, and hands
 * out views of the source chunks rather than copies where it can.
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { InputStream } from '@tsgi/core';

const EMPTY = new Uint8Array(0);

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export class BodyInputStream implements InputStream {
  #source: Iterator<Uint8Array> | AsyncIterator<Uint8Array>;
  /** Bytes the source may still give (CONTENT_LENGTH minus what was pulled). */
  #remaining: number;
  #buffer: Uint8Array = EMPTY;
  #done = false;

  /** `limit` is CONTENT_LENGTH; `Infinity` reads the source to its end. */
  constructor(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, limit = Infinity) {
    this.#source =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
    this.#remaining = limit;
  }

  /** Fills the buffer with the next source chunk; false at the end. */
  async #pull(): Promise<boolean> {
    while (!this.#done && this.#buffer.byteLength === 0) {
      if (this.#remaining <= 0) {
        this.#finish();
        break;
      }
      const result = await this.#source.next();
      if (result.done) {
        this.#done = true;
        break;
      }
      let chunk = result.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('testClient: a request body chunk is not a Uint8Array');
      if (chunk.byteLength > this.#remaining) chunk = chunk.subarray(0, this.#remaining);
      this.#remaining -= chunk.byteLength;
      this.#buffer = chunk;
    }
    return this.#buffer.byteLength > 0;
  }

  /** Stops the source early (CONTENT_LENGTH reached) so its finally blocks run. */
  #finish(): void {
    this.#done = true;
    void this.#source.return?.();
  }

  #take(n: number): Uint8Array {
    const chunk = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return chunk;
  }

  async read(size?: number): Promise<Uint8Array> {
    const want = size === undefined || size < 0 ? Infinity : size;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < want && (await this.#pull())) {
      const part = this.#take(want - total);
      parts.push(part);
      total += part.byteLength;
    }
    return total === 0 ? EMPTY : concat(parts, total);
  }

  async readline(size?: number): Promise<Uint8Array> {
    const want = size === undefined || size < 0 ? Infinity : size;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < want && (await this.#pull())) {
      const newline = this.#buffer.indexOf(10);
      const end = newline === -1 ? this.#buffer.byteLength : newline + 1;
      const part = this.#take(Math.min(end, want - total));
      parts.push(part);
      total += part.byteLength;
      if (newline !== -1 && part.byteLength === end) break;
    }
    return total === 0 ? EMPTY : concat(parts, total);
  }

  async readlines(hint?: number): Promise<Uint8Array[]> {
    const lines: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.byteLength === 0) break;
      lines.push(line);
      total += line.byteLength;
      if (hint !== undefined && hint > 0 && total >= hint) break;
    }
    return lines;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (await this.#pull()) yield this.#take(this.#buffer.byteLength);
  }
}
