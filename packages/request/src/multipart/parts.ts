/**
 * The parts of one multipart body: an async iterable of `Part`, read once, that owns
 * the parse's temp files. Any error while parsing or reading a part (a limit, a
 * malformed body, the client gone, a sink or disk that failed) removes the temp
 * files before it reaches the caller, and every later call rethrows it. Temp files
 * that `store()` made for parts already read are kept when the loop ends or breaks,
 * because the app uses them next; `cleanup()` removes them when the request is over.
 *
 * @example
 * const parts = parseMultipart(environ);
 * try {
 *   for await (const part of parts) files.push(await part.store());
 *   return handle(files);
 * } finally {
 *   await parts.cleanup(); // or when the response body closes (see index.ts)
 * }
 * @module
 */
import { HttpError, type Environ } from '@tsgi/core';
import { multipartBoundary } from './content-type.js';
import { resolveMultipartOptions, type MultipartOptions } from './options.js';
import { Part, type PartSource } from './part.js';
import type { PartHead } from './part-headers.js';
import { MultipartReader } from './reader.js';
import { TempFiles } from './temp-files.js';
import { addTempFileOwner } from './temp-file-owners.js';

const NEXT_PART = 'nextPart';
const READ_CHUNK = 'readChunk';
const READ_REST = 'readRest';
/** What each read of the reader gives. */
interface Reads {
  nextPart: PartHead | null;
  readChunk: Uint8Array | null;
  readRest: Uint8Array;
}

export class MultipartParts implements AsyncIterable<Part>, PartSource {
  readonly tempFiles: TempFiles;
  readonly fileMemoryThreshold: number;
  readonly #reader: MultipartReader;
  /** The number of the part that may be read now. */
  #current = 0;
  #iterated = false;
  #ended = false;
  #busy = false;
  #failed = false;
  #failure: unknown;

  /** Checks options and Content-Type at once: a bad option is a TypeError, a bad request an HttpError. */
  constructor(environ: Environ, options?: MultipartOptions) {
    const limits = resolveMultipartOptions(options);
    const boundary = multipartBoundary(environ.CONTENT_TYPE);
    const declared = environ.CONTENT_LENGTH ? Number(environ.CONTENT_LENGTH) : 0;
    if (declared > limits.maxTotalSize) {
      throw new HttpError(413, `multipart body of ${declared} bytes is over maxTotalSize (${limits.maxTotalSize} bytes): raise the maxTotalSize option`);
    }
    this.#reader = new MultipartReader(environ['wsgi.input'], boundary, limits);
    this.tempFiles = new TempFiles(limits.tempDir);
    this.fileMemoryThreshold = limits.fileMemoryThreshold;
    // A tempFileReaper() above removes this parse's temp files when the response ends.
    addTempFileOwner(environ, this);
  }

  [Symbol.asyncIterator](): AsyncIterator<Part, undefined> {
    if (this.#iterated) throw new TypeError('multipart parts can be iterated once: the body is read as it is parsed');
    this.#iterated = true;
    return {
      next: () => this.#nextPart(),
      // Leaving the loop early reads no further; the temp files stay for the app until cleanup().
      return: async () => {
        this.#ended = true;
        return { done: true, value: undefined };
      },
    };
  }

  async #nextPart(): Promise<IteratorResult<Part, undefined>> {
    const head = this.#ended ? null : await this.#run(this.#current, NEXT_PART);
    if (head === null) {
      this.#ended = true;
      return { done: true, value: undefined };
    }
    this.#current = this.#reader.partCount;
    return { done: false, value: new Part(head, this, this.#current) };
  }

  /** PartSource: the next piece of part `index`, while it is the current part. */
  read(index: number): Promise<Uint8Array | null> {
    return this.#run(index, READ_CHUNK);
  }

  /** PartSource: the rest of part `index` as one array, while it is the current part. */
  readRest(index: number): Promise<Uint8Array> {
    return this.#run(index, READ_REST);
  }

  /** PartSource: records the first error and removes the temp files. */
  async fail(error: unknown): Promise<void> {
    if (!this.#failed) {
      this.#failed = true;
      this.#failure = error;
    }
    await this.tempFiles.cleanup();
  }

  /**
   * Removes every temp file of this parse. Call it once the request is over, however
   * it ended; it is safe to call more than once.
   */
  cleanup(): Promise<void> {
    return this.tempFiles.cleanup();
  }

  /**
   * Runs one read of the reader for part `index`: refused when the parse failed, a read
   * is in progress or the part is no longer current; any error fails the parse.
   */
  #run<K extends keyof Reads>(index: number, read: K): Promise<Reads[K]> {
    if (this.#failed) return Promise.reject(this.#failure);
    if (this.#busy) return Promise.reject(new TypeError('multipart: a read is already in progress; await it before the next'));
    if (index !== this.#current) {
      return Promise.reject(new TypeError(`multipart part ${index} was skipped when the next part was asked for: read each part before the next`));
    }
    let result: Reads[K] | Promise<Reads[K]>;
    try {
      result = this.#reader[read]() as Reads[K] | Promise<Reads[K]>;
    } catch (error) {
      return this.#failWith(error);
    }
    if (result instanceof Promise) {
      this.#busy = true;
      return this.#settle(result);
    }
    return Promise.resolve(result);
  }

  async #settle<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (error) {
      return await this.#failWith(error);
    } finally {
      this.#busy = false;
    }
  }

  async #failWith(error: unknown): Promise<never> {
    await this.fail(error);
    throw error;
  }
}
