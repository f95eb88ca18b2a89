/**
 * `wsgi.input` over a fetch `Request`'s body stream: `read`, `readline`, `readlines`
 * and async iteration, never past `CONTENT_LENGTH`. Chunks are handed on as the
 * stream gives them (subarrays, not copies) unless a `read(size)` must join several.
 * Web-platform only (no node: modules), so it runs on Workers, Deno and Bun.
 *
 * @example
 * environ['wsgi.input'] = new StreamInput(request.body, contentLength);
 * const line = await environ['wsgi.input'].readline();
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { InputStream } from '@tsgi/core';

const EMPTY = new Uint8Array(0);
const NEWLINE = 10;

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

export class StreamInput implements InputStream {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null;
  /** Bytes taken from the stream but not yet returned. */
  private rest: Uint8Array = EMPTY;
  /** Bytes left before CONTENT_LENGTH is reached (Infinity without one). */
  private remaining: number;

  constructor(body: ReadableStream<Uint8Array> | null, contentLength = Infinity) {
    this.reader = body === null ? null : body.getReader();
    this.remaining = contentLength;
  }

  /** The next piece of input: what is left over, else the stream's next chunk. */
  private async pull(): Promise<Uint8Array> {
    if (this.rest.byteLength > 0) {
      const rest = this.rest;
      this.rest = EMPTY;
      return rest;
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
    return EMPTY;
  }

  async read(size?: number): Promise<Uint8Array> {
    const limit = size === undefined || size < 0 ? Infinity : size;
    if (limit === 0) return EMPTY;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = await this.pull();
      if (chunk.byteLength === 0) break;
      const room = limit - total;
      if (chunk.byteLength > room) {
        this.rest = chunk.subarray(room);
        parts.push(chunk.subarray(0, room));
        total += room;
        break;
      }
      parts.push(chunk);
      total += chunk.byteLength;
    }
    return total === 0 ? EMPTY : concat(parts, total);
  }

  async readline(size?: number): Promise<Uint8Array> {
    const limit = size === undefined || size < 0 ? Infinity : size;
    if (limit === 0) return EMPTY;
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = await this.pull();
      if (chunk.byteLength === 0) break;
      const newline = chunk.indexOf(NEWLINE);
      let take = newline === -1 ? chunk.byteLength : newline + 1;
      take = Math.min(take, limit - total);
      if (take < chunk.byteLength) this.rest = chunk.subarray(take);
      parts.push(take < chunk.byteLength ? chunk.subarray(0, take) : chunk);
      total += take;
      if (newline !== -1 && newline < take) break;
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

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk = await this.pull();
      if (chunk.byteLength === 0) return;
      yield chunk;
    }
  }
}
