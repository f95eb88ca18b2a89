/**
 * `wsgi.input` with a size limit, for a body whose length is not declared (chunked,
 * or a fetch stream): the read that takes the body past `limit` bytes rejects with
 * core's `HttpError` 413, and so does every read after it. It is a `PullInputStream`
 * over the original stream's chunks, so `read(size)`, `readline()`, `readlines()` and
 * iteration keep PEP 3333's meaning, and `read()` with no size never holds more than
 * `limit` bytes (plus the one chunk that crossed it) before it refuses.
 *
 * @example
 * environ['wsgi.input'] = new LimitedInput(environ['wsgi.input'], 1024 * 1024);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14 (413 Content Too Large)
 * @module
 */
import { PullInputStream, type HttpError, type InputStream } from '@tsgi/core';
import { refusalError } from './refusal.js';

export class LimitedInput extends PullInputStream {
  /** The error every read rejects with once the limit was passed; a middleware knows its own by it. */
  refusal: HttpError | undefined = undefined;
  private source: AsyncIterator<Uint8Array> | undefined = undefined;
  private total = 0;

  constructor(
    private readonly inner: InputStream,
    private readonly limit: number,
  ) {
    super();
  }

  protected async pullChunk(): Promise<Uint8Array | null> {
    if (this.refusal !== undefined) throw this.refusal;
    this.source ??= this.inner[Symbol.asyncIterator]();
    for (;;) {
      const step = await this.source.next();
      if (step.done === true) return null;
      const chunk = step.value;
      if (chunk.byteLength === 0) continue;
      this.total += chunk.byteLength;
      if (this.total > this.limit) {
        this.refusal = refusalError(413, `request body is over the limit of ${this.limit} bytes`);
        throw this.refusal;
      }
      return chunk;
    }
  }
}
