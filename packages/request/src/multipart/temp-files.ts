/**
 * The temp files of one multipart parse, and writing a part to a file. `node:fs` is
 * looked up at first use through core's `nodeBuiltin`, never imported, so the parser
 * loads on a fetch runtime without it (Workers, Deno without node compat); there
 * `available` is false and a file too big for memory is refused instead.
 *
 * Each temp file is created with `wx` (never an existing file) and mode 0600 (only
 * this user reads uploads) under a random name. `cleanup()` removes every one, once
 * the request is over, however it ended; a write after it fails.
 *
 * @example
 * const temp = new TempFiles(undefined);
 * const file = await temp.create();
 * await file.write(chunk);
 * await file.close();
 * await temp.cleanup(); // file.path is gone
 * @module
 */
import type * as FsPromises from 'node:fs/promises';
import type * as Os from 'node:os';
import type * as Path from 'node:path';
import { nodeBuiltin } from '@tsgi/core';

interface NodeFs {
  fs: typeof FsPromises;
  tmpdir(): string;
  join(...parts: string[]): string;
}

let found: NodeFs | null | undefined;

/** node:fs/promises, node:os and node:path, or `null` on a runtime without them. */
export function nodeFs(): NodeFs | null {
  if (found !== undefined) return found;
  const fs = nodeBuiltin<typeof FsPromises>('node:fs/promises');
  const os = nodeBuiltin<typeof Os>('node:os');
  const path = nodeBuiltin<typeof Path>('node:path');
  found = fs && os && path ? { fs, tmpdir: () => os.tmpdir(), join: (...parts) => path.join(...parts) } : null;
  return found;
}

/** A file being written: each `write` waits for the disk, so a slow disk slows the client. */
export class FileWriter {
  readonly path: string;
  readonly #handle: FsPromises.FileHandle;
  readonly #fs: typeof FsPromises;
  #closed = false;

  constructor(path: string, handle: FsPromises.FileHandle, fs: typeof FsPromises) {
    this.path = path;
    this.#handle = handle;
    this.#fs = fs;
  }

  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await this.#handle.write(chunk, offset);
      offset += bytesWritten;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }

  /** Closes and removes the file: what an error in the middle of a write leaves. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await this.#fs.rm(this.path, { force: true });
  }
}

/** Opens `path` for writing (created or truncated), through node:fs. */
export async function openFile(path: string, flags = 'w'): Promise<FileWriter> {
  const node = nodeFs();
  if (node === null) throw new TypeError('saveTo: this runtime has no node:fs; use part.stream() or part.pipeTo(sink)');
  return new FileWriter(path, await node.fs.open(path, flags, 0o600), node.fs);
}

export class TempFiles {
  readonly #dir: string | undefined;
  readonly #files = new Set<FileWriter>();
  #cleaned = false;

  /** `dir`: where to write; os.tmpdir() when undefined. */
  constructor(dir: string | undefined) {
    this.#dir = dir;
  }

  /** True where temp files can be written (node:fs is there). */
  get available(): boolean {
    return nodeFs() !== null;
  }

  /** How many temp files exist now. */
  get size(): number {
    return this.#files.size;
  }

  /** A new empty temp file, removed by `cleanup()`. */
  async create(): Promise<FileWriter> {
    const node = nodeFs();
    if (node === null) throw new TypeError('multipart: this runtime has no node:fs for temp files');
    if (this.#cleaned) throw new Error('multipart: the request is over and its temp files were removed');
    const path = node.join(this.#dir ?? node.tmpdir(), `tsgi-upload-${crypto.randomUUID()}`);
    const file = new FileWriter(path, await node.fs.open(path, 'wx', 0o600), node.fs);
    this.#files.add(file);
    // cleanup() may have run while the file was being opened.
    if (this.#cleaned) {
      await this.cleanup();
      throw new Error('multipart: the request is over and its temp files were removed');
    }
    return file;
  }

  /** Removes every temp file; safe to call more than once and concurrently. */
  async cleanup(): Promise<void> {
    this.#cleaned = true;
    const files = [...this.#files];
    this.#files.clear();
    await Promise.all(files.map((file) => file.discard().catch(() => undefined)));
  }
}
