/**
 * `wsgi.input` for the test client: a PEP 3333 input stream over a request body
 * given as bytes or as an (async) iterable of chunks. It never reads past
 * CONTENT_LENGTH and pulls chunks from the source only when the app asks; the
 * reading methods come from core's PullInputStream.
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import { PullInputStream } from '@tsgi/core';

export class BodyInputStream extends PullInputStream {
  #source: Iterator<Uint8Array> | AsyncIterator<Uint8Array>;
  /** Bytes the source may still give (CONTENT_LENGTH minus what was pulled). */
  #remaining: number;
  #done = false;

  /** `limit` is CONTENT_LENGTH; `Infinity` reads the source to its end. */
  constructor(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, limit = Infinity) {
    super();
    this.#source =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
    this.#remaining = limit;
  }

  protected async pullChunk(): Promise<Uint8Array | null> {
    while (!this.#done) {
      if (this.#remaining <= 0) {
        // CONTENT_LENGTH reached: stop the source early so its finally blocks run.
        this.#done = true;
        void this.#source.return?.();
        break;
      }
      const result = await this.#source.next();
      if (result.done) {
        this.#done = true;
        break;
      }
      let chunk = result.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('testClient: a request body chunk is not a Uint8Array');
      if (chunk.byteLength === 0) continue;
      if (chunk.byteLength > this.#remaining) chunk = chunk.subarray(0, this.#remaining);
      this.#remaining -= chunk.byteLength;
      return chunk;
    }
    return null;
  }
}
