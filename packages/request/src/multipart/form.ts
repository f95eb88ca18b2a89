/**
 * The whole form at once, for apps that want fields by name rather than a stream:
 * fields collected as strings (within `maxFieldSize`, all fields together), files
 * kept by `store()` (memory under `fileMemoryThreshold`, above it a temp file) or
 * sent to the caller's sink when `onFile` returns one (then only name, type and
 * size are kept: the way to upload to object storage, or to run on a fetch runtime
 * without temp files).
 *
 * The form owns its temp files: call `form.cleanup()` when the request is over (the
 * request object does it when the response body closes). On any error they are
 * removed before the error reaches the caller.
 *
 * @example
 * const form = await readMultipartForm(environ, {
 *   onFile: (part) => (part.name === 'video' ? bucket.writable(part.filename) : undefined),
 * });
 * form.get('title'); // 'Holiday'
 * await form.file('photo')?.bytes();
 * @module
 */
import type { Environ } from '@tsgi/core';
import type { MultipartOptions } from './options.js';
import type { FileSink, Part } from './part.js';
import { MultipartParts } from './parts.js';
import { StoredFile } from './stored-file.js';

export interface MultipartFormOptions extends MultipartOptions {
  /**
   * Called for each file part before its content is read: return a sink to send the
   * content there, or `undefined` to `store()` it. Must not read the part itself.
   * @default undefined (every file is stored)
   */
  onFile?: (part: Part) => FileSink | undefined | Promise<FileSink | undefined>;
}

export class MultipartForm {
  /** Every field as `[name, value]`, in body order. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  /** Every file, in body order. */
  readonly files: readonly StoredFile[];
  readonly #parts: MultipartParts;

  constructor(fields: Array<[string, string]>, files: StoredFile[], parts: MultipartParts) {
    this.fields = fields;
    this.files = files;
    this.#parts = parts;
  }

  /** The first value of field `name`. */
  get(name: string): string | undefined {
    return this.fields.find((field) => field[0] === name)?.[1];
  }

  /** Every value of field `name`, in order. */
  getAll(name: string): string[] {
    return this.fields.filter((field) => field[0] === name).map((field) => field[1]);
  }

  /** The first file sent under `name`. */
  file(name: string): StoredFile | undefined {
    return this.files.find((file) => file.name === name);
  }

  /** Every file sent under `name`, in order. */
  getFiles(name: string): StoredFile[] {
    return this.files.filter((file) => file.name === name);
  }

  /** Removes the temp files; call it when the request is over. */
  cleanup(): Promise<void> {
    return this.#parts.cleanup();
  }
}

/** Reads the whole multipart/form-data body; rejects with an HttpError for a bad or too large one. */
export async function readMultipartForm(environ: Environ, options: MultipartFormOptions = {}): Promise<MultipartForm> {
  const { onFile, ...limits } = options;
  if (onFile !== undefined && typeof onFile !== 'function') {
    throw new TypeError(`readMultipartForm: onFile must be a function returning a sink or undefined, got ${typeof onFile}`);
  }
  const parts = new MultipartParts(environ, limits);
  const fields: Array<[string, string]> = [];
  const files: StoredFile[] = [];
  try {
    for await (const part of parts) {
      if (!part.isFile) {
        fields.push([part.name, await part.text()]);
        continue;
      }
      const sink = onFile === undefined ? undefined : await onFile(part);
      files.push(sink === undefined ? await part.store() : new StoredFile(part, await part.pipeTo(sink), 'sink'));
    }
  } catch (error) {
    await parts.cleanup();
    throw error;
  }
  return new MultipartForm(fields, files, parts);
}
