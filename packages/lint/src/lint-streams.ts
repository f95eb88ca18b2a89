/**
 * Linted `wsgi.input` and `wsgi.errors`: thin wrappers that check both sides of
 * every call. The app must pass sane arguments (a non-negative integer size, text to
 * the error stream); the server's input must yield bytes and stop at CONTENT_LENGTH.
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { ErrorStream, InputStream } from '@tsgi/core';
import { LintError, show } from './lint-error.js';
import type { ResponseCheck } from './response-check.js';

function checkSize(method: string, size: unknown): void {
  if (size !== undefined && !(typeof size === 'number' && Number.isInteger(size) && size >= 0)) {
    throw new LintError('input.read-args', `wsgi.input.${method}(${show(size)}) was called`);
  }
}

/** Wraps a server's InputStream; counts what it returns against CONTENT_LENGTH. */
export class LintedInput implements InputStream {
  #inner: InputStream;
  #limit: number;
  #delivered = 0;
  #ended = false;
  #check: Pick<ResponseCheck, 'closed'>;

  constructor(inner: InputStream, contentLength: string | undefined, check: Pick<ResponseCheck, 'closed'>) {
    this.#inner = inner;
    this.#check = check;
    // Without CONTENT_LENGTH (absent or '', e.g. chunked with wsgi.input_terminated)
    // only the end of file is checked.
    this.#limit = contentLength ? Number(contentLength) : Infinity;
  }

  #take(method: string, chunk: unknown, size: number | undefined): Uint8Array {
    if (!(chunk instanceof Uint8Array)) {
      throw new LintError('input.chunk-type', `wsgi.input.${method}() gave ${show(chunk)}`);
    }
    if (chunk.byteLength > 0) {
      if (this.#ended) {
        throw new LintError('input.past-end', `wsgi.input.${method}() gave ${chunk.byteLength} bytes after reporting end of file`);
      }
      this.#delivered += chunk.byteLength;
      if (this.#delivered > this.#limit) {
        throw new LintError(
          'input.past-end',
          `wsgi.input gave ${this.#delivered} bytes but CONTENT_LENGTH is ${this.#limit}`,
        );
      }
    } else if (size !== 0) {
      this.#ended = true;
    }
    return chunk;
  }

  #open(method: string): void {
    if (this.#check.closed) throw new LintError('input.after-close', `wsgi.input.${method}() was called after the response body was closed`);
  }

  async read(size?: number): Promise<Uint8Array> {
    this.#open('read');
    checkSize('read', size);
    return this.#take('read', await this.#inner.read(size), size);
  }

  async readline(size?: number): Promise<Uint8Array> {
    this.#open('readline');
    checkSize('readline', size);
    return this.#take('readline', await this.#inner.readline(size), size);
  }

  async readlines(hint?: number): Promise<Uint8Array[]> {
    this.#open('readlines');
    checkSize('readlines', hint);
    const lines: unknown = await this.#inner.readlines(hint);
    if (!Array.isArray(lines)) throw new LintError('input.chunk-type', `wsgi.input.readlines() gave ${show(lines)}`);
    for (const line of lines) this.#take('readlines', line, 1);
    if (hint === undefined) this.#ended = true;
    return lines as Uint8Array[];
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#open('[Symbol.asyncIterator]');
    for await (const chunk of this.#inner) {
      this.#open('[Symbol.asyncIterator]');
      yield this.#take('[Symbol.asyncIterator]', chunk, 1);
    }
    this.#ended = true;
  }
}

/** Wraps a server's ErrorStream; only text may be written to it. */
export class LintedErrors implements ErrorStream {
  #inner: ErrorStream;

  constructor(inner: ErrorStream) {
    this.#inner = inner;
  }

  write(text: string): void {
    if (typeof text !== 'string') throw new LintError('errors.write-type', `wsgi.errors.write(${show(text)}) was called`);
    this.#inner.write(text);
  }

  writelines(lines: Iterable<string>): void {
    const list = Array.from(lines);
    for (const line of list) {
      if (typeof line !== 'string') {
        throw new LintError('errors.write-type', `wsgi.errors.writelines() got ${show(line)} in its lines`);
      }
    }
    this.#inner.writelines(list);
  }

  flush(): void {
    this.#inner.flush();
  }
}
