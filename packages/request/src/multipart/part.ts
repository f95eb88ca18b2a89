/**
 * One part of a multipart/form-data body, as `parseMultipart` yields it: its headers
 * at once, its content read once, while it is the current part, by one of `stream()`,
 * `bytes()`, `text()`, `store()`, `pipeTo(sink)`, `saveTo(path)` or `skip()`. Asking
 * for the next part skips what is left of this one; reading it after that is a
 * `TypeError`, since its bytes were not kept (that is what keeps memory flat).
 *
 * @example
 * for await (const part of parseMultipart(environ)) {
 *   if (part.filename === undefined) fields[part.name] = await part.text();
 *   else await part.pipeTo(uploadStream(part.filename)); // or part.store()
 * }
 * @module
 */
import { HttpError, concatBytes } from '@tsgi/core';
import type { PartHead } from './part-headers.js';
import { StoredFile, type PartInfo } from './stored-file.js';
import { openFile, type FileWriter, type TempFiles } from './temp-files.js';

/** Where `pipeTo` sends content: a web `WritableStream`, or a function awaited for each chunk. */
export type FileSink = WritableStream<Uint8Array> | ((chunk: Uint8Array) => void | Promise<void>);

/** What a part reads through: the parse it belongs to. */
export interface PartSource {
  /** The next piece of part `index`'s content, or null at its end; throws if it is no longer current. */
  read(index: number): Promise<Uint8Array | null>;
  /** The rest of part `index`'s content as one array. */
  readRest(index: number): Promise<Uint8Array>;
  /** Called with any error while reading a part: cleans up, then the caller rethrows. */
  fail(error: unknown): Promise<void>;
  readonly tempFiles: TempFiles;
  readonly fileMemoryThreshold: number;
}

const decoder = new TextDecoder();

export class Part implements PartInfo {
  readonly name: string;
  /** The file's base name (no directory, no control characters); `undefined` for a field. */
  readonly filename: string | undefined;
  /** The file name as sent, decoded but not reduced: a folder upload's relative path. Never a path to trust. */
  readonly rawFilename: string | undefined;
  readonly contentType: string;
  /** Every header of the part, names lower-cased. */
  readonly headers: ReadonlyMap<string, string>;
  readonly #source: PartSource;
  readonly #index: number;
  #taken = false;

  constructor(head: PartHead, source: PartSource, index: number) {
    this.name = head.name;
    this.filename = head.filename;
    this.rawFilename = head.rawFilename;
    this.contentType = head.contentType;
    this.headers = head.headers;
    this.#source = source;
    this.#index = index;
  }

  /** True for a file (the part has a file name, even an empty one). */
  get isFile(): boolean {
    return this.filename !== undefined;
  }

  #take(method: string): void {
    if (this.#taken) throw new TypeError(`multipart part ${JSON.stringify(this.name)}: ${method}() after its content was already read; read a part once`);
    this.#taken = true;
  }

  /** Runs `work` over the content; any error cleans up the parse before it is rethrown. */
  async #consume<T>(method: string, work: (read: () => Promise<Uint8Array | null>) => Promise<T>): Promise<T> {
    this.#take(method);
    try {
      return await work(() => this.#source.read(this.#index));
    } catch (error) {
      await this.#source.fail(error);
      throw error;
    }
  }

  /** The content in pieces as they arrive; leaving the loop early skips the rest. */
  async *stream(): AsyncGenerator<Uint8Array, void, undefined> {
    this.#take('stream');
    for (let chunk = await this.#source.read(this.#index); chunk !== null; chunk = await this.#source.read(this.#index)) yield chunk;
  }

  /** The whole content in memory (a file up to maxFileSize: prefer `store()` or `stream()`). */
  async bytes(): Promise<Uint8Array> {
    this.#take('bytes');
    return this.#source.readRest(this.#index);
  }

  /** The content decoded as UTF-8 (what browsers send, RFC 7578 section 5.1.2). */
  async text(): Promise<string> {
    this.#take('text');
    return decoder.decode(await this.#source.readRest(this.#index));
  }

  /** Reads past the content without keeping it. */
  skip(): Promise<void> {
    return this.#consume('skip', async (read) => {
      while ((await read()) !== null);
    });
  }

  /** Sends the content to `sink`, waiting on each write; resolves to the byte count. */
  pipeTo(sink: FileSink): Promise<number> {
    return this.#consume('pipeTo', async (read) => {
      let size = 0;
      if (typeof sink === 'function') {
        for (let chunk = await read(); chunk !== null; chunk = await read()) {
          size += chunk.byteLength;
          await sink(chunk);
        }
        return size;
      }
      const writer = sink.getWriter();
      try {
        for (let chunk = await read(); chunk !== null; chunk = await read()) {
          size += chunk.byteLength;
          await writer.write(chunk);
        }
        await writer.close();
      } catch (error) {
        await writer.abort(error).catch(() => undefined);
        throw error;
      } finally {
        writer.releaseLock();
      }
      return size;
    });
  }

  /** Writes the content to `path` (Node: created or replaced, mode 0600); a failed write removes it. */
  saveTo(path: string): Promise<number> {
    return this.#consume('saveTo', async (read) => {
      const file = await openFile(path);
      return writeAll(file, read, () => file.close());
    });
  }

  /**
   * Keeps the content for after the parse: in memory up to `fileMemoryThreshold`,
   * else in a temp file that the parse's `cleanup()` removes. A field stays in memory.
   */
  store(): Promise<StoredFile> {
    return this.#consume('store', async (read) => {
      const { tempFiles, fileMemoryThreshold } = this.#source;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (let chunk = await read(); chunk !== null; chunk = await read()) {
        size += chunk.byteLength;
        chunks.push(chunk);
        if (this.filename === undefined || size <= fileMemoryThreshold) continue;
        if (!tempFiles.available) {
          throw new HttpError(
            413,
            `multipart file ${JSON.stringify(this.filename)} is over fileMemoryThreshold (${fileMemoryThreshold} bytes) and this runtime has no file system for temp files: raise fileMemoryThreshold, or stream the part (part.stream(), or onFile)`,
          );
        }
        const file = await tempFiles.create();
        const held = chunks.values();
        // What was held in memory goes first, then the rest as it arrives.
        const total = await writeAll(file, async () => held.next().value ?? read(), () => file.close());
        return new StoredFile(this, total, { path: file.path });
      }
      // One small view would keep its whole input chunk alive: keep a copy instead.
      const data = chunks.length === 1 ? chunks[0]!.slice() : concatBytes(chunks, size);
      return new StoredFile(this, size, { data });
    });
  }
}

/** Writes the rest of `read` to `file` and finishes with `done`; removes the file on error. */
async function writeAll(file: FileWriter, read: () => Promise<Uint8Array | null>, done: () => Promise<void>): Promise<number> {
  let size = 0;
  try {
    for (let chunk = await read(); chunk !== null; chunk = await read()) {
      size += chunk.byteLength;
      await file.write(chunk);
    }
    await done();
  } catch (error) {
    await file.discard();
    throw error;
  }
  return size;
}
