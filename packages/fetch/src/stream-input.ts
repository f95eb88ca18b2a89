/**
 * `wsgi.input` over a fetch `Request`'s body stream, never past `CONTENT_LENGTH`; the
 * reading methods (`read`, `readline`, `readlines`, async iteration) come from core's
 * PullInputStream, which hands chunks on as views and copies only to join several.
 * Web-platform only (no node: modules), so it runs on Workers, Deno and Bun.
 *
 * @example
 * environ['wsgi.input'] = new StreamInput(request.body, contentLength);
 * const line = await environ['wsgi.input'].readline();
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import { PullInputStream } from '@tsgi/core';

export class StreamInput extends PullInputStream {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** Bytes left before CONTENT_LENGTH is reached (Infinity without one). */
  private remaining: number;

  constructor(
    /** Locked only on the first read: a host framework's code below may read the Request instead. */
    private body: ReadableStream<Uint8Array> | null,
    contentLength = Infinity,
  ) {
    super();
    this.remaining = contentLength;
  }

  protected async pullChunk(): Promise<Uint8Array | null> {
    if (this.body !== null) {
      this.reader = this.body.getReader();
      this.body = null;
    }
    while (this.reader !== null && this.remaining > 0) {
      const { done, value } = await this.reader.read();
      if (done) {
        this.reader = null;
        break;
      }
      if (value.byteLength === 0) continue;
      if (value.byteLength <= this.remaining) {
        this.remaining -= value.byteLength;
        return value;
      }
      // Never past CONTENT_LENGTH: whatever follows is not this request's body.
      const head = value.subarray(0, this.remaining);
      this.remaining = 0;
      return head;
    }
    if (this.reader !== null) {
      void this.reader.cancel().catch(() => undefined);
      this.reader = null;
    }
    return null;
  }
}
