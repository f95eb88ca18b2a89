/**
 * The multipart limits as the parser meets them: one counter per parse that is told
 * of each part, each file, each piece of content and each input chunk, and refuses
 * the first that goes past its option with an `HttpError` 413 whose message names the
 * option to raise. All the 413 messages of the parser are here.
 *
 * @example
 * const limits = new LimitCounter(resolveMultipartOptions({ maxParts: 10 }));
 * limits.part(); // the 11th call throws: "... more than maxParts (10) parts: raise the maxParts option"
 * @module
 */
import { HttpError } from '@tsgi/core';
import type { ResolvedMultipartOptions } from './options.js';

export class LimitCounter {
  readonly options: ResolvedMultipartOptions;
  #received = 0;
  #parts = 0;
  #files = 0;
  #fieldBytes = 0;
  #partBytes = 0;

  constructor(options: ResolvedMultipartOptions) {
    this.options = options;
  }

  /** How many parts have started: the current part's number, 1-based. */
  get parts(): number {
    return this.#parts;
  }

  /** A chunk of `size` bytes arrived from the client. */
  received(size: number): void {
    this.#received += size;
    const max = this.options.maxTotalSize;
    if (this.#received > max) throw new HttpError(413, `multipart body is over maxTotalSize (${max} bytes): raise the maxTotalSize option`);
  }

  /** A part starts. */
  part(): void {
    const max = this.options.maxParts;
    if (++this.#parts > max) throw new HttpError(413, `multipart body has more than maxParts (${max}) parts: raise the maxParts option`);
    this.#partBytes = 0;
  }

  /** The part that started is a file. */
  file(): void {
    const max = this.options.maxFiles;
    if (++this.#files > max) throw new HttpError(413, `multipart body has more than maxFiles (${max}) files: raise the maxFiles option`);
  }

  /** `size` more bytes of the current part's content; `filename` is undefined for a field. */
  content(size: number, name: string, filename: string | undefined): void {
    this.#partBytes += size;
    const { maxFieldSize, maxFileSize } = this.options;
    if (filename === undefined) {
      this.#fieldBytes += size;
      if (this.#fieldBytes > maxFieldSize) {
        throw new HttpError(
          413,
          `multipart fields are over maxFieldSize (${maxFieldSize} bytes, all fields together) at field ${JSON.stringify(name)}: raise the maxFieldSize option, or send large values as files`,
        );
      }
    } else if (this.#partBytes > maxFileSize) {
      throw new HttpError(
        413,
        `multipart file ${JSON.stringify(filename)} (field ${JSON.stringify(name)}) is over maxFileSize (${maxFileSize} bytes): raise the maxFileSize option`,
      );
    }
  }

  /** The refusal for a header block longer than maxHeaderSize. */
  headersTooLarge(): HttpError {
    const max = this.options.maxHeaderSize;
    return new HttpError(413, `multipart part ${this.#parts} has headers over maxHeaderSize (${max} bytes): raise the maxHeaderSize option`);
  }
}
