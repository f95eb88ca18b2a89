/**
 * `wsgi.file_wrapper`: turns a path or an open `FileHandle` into a Body the gateway
 * recognises (by a `Symbol.for('tsgi.file_wrapper')` tag) and sends by its fast path:
 * a node read stream piped to the socket, with a `Content-Length` when the app set
 * none and the length is known. Any middleware that iterates the body instead still
 * gets plain `Uint8Array` chunks of `blockSize` bytes, so wrapping it (gzip, a logger)
 * just works. `close()` closes the file, whether the wrapper opened it or was handed
 * it, as PEP 3333's wrapper closes its file-like object.
 *
 * Where it reads: a path from its start; a `FileHandle` from its current position,
 * as PEP 3333 says ("transmission should begin at the current position within the
 * file"), so a handle the app has read from or seeked keeps its place. Node cannot
 * tell that position, so such a body has no known length: it is chunked unless the
 * app sets a Content-Length. `range.offset` reads from that byte of the file instead
 * (the handle's position is left alone) and `range.length` stops after that many
 * bytes; with an offset, the length is known (from `fstat`) and sent.
 *
 * @example
 * const app: Application = (environ, startResponse) => {
 *   startResponse('206 Partial Content', [['Content-Range', 'bytes 100-199/1000']]);
 *   return environ['wsgi.file_wrapper']!('./manual.pdf', 65536, { offset: 100, length: 100 });
 * };
 *
 * @see https://peps.python.org/pep-3333/#optional-platform-specific-file-handling
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Body, FileWrapper } from '@tsgi/core';

/** The tag the gateway looks for; `Symbol.for` so copies of this package agree. */
export const FILE_BODY: unique symbol = Symbol.for('tsgi.file_wrapper') as never;

const DEFAULT_BLOCK_SIZE = 64 * 1024;

/** What a FileBody has opened and whether it is closed. */
interface FileState {
  handle: FileHandle | null;
  opening: Promise<FileHandle> | null;
  closed: boolean;
}

export class FileBody implements AsyncIterable<Uint8Array> {
  readonly [FILE_BODY] = true;
  /**
   * One object, changed in place, never reassigned: a middleware may hand up
   * `Object.create(body)` (lint does), which keeps the tag, so the gateway opens the
   * file through that view while `close()` runs on the body. Fields set on `this` would
   * land on the view, and the body would close nothing: a descriptor left to the GC.
   */
  private readonly state: FileState;

  constructor(
    readonly file: string | FileHandle,
    readonly blockSize: number,
    /** The byte to start at; undefined for a handle's current position. */
    readonly offset: number | undefined,
    /** Most bytes to send (Infinity: to the end of the file). */
    readonly length: number,
  ) {
    this.state = { handle: typeof file === 'string' ? null : file, opening: null, closed: false };
  }

  /** The open file, opening it on first use; rejects once the body is closed. */
  async open(): Promise<FileHandle> {
    const state = this.state;
    if (state.closed) throw new Error('tsgi file_wrapper: the body is already closed');
    if (state.handle) return state.handle;
    state.opening ??= open(this.file as string, 'r');
    const handle = await state.opening;
    // close() may have run while the file was opening; it closes what `opening` gives.
    if (state.closed) throw new Error('tsgi file_wrapper: the body was closed while the file was opening');
    state.handle = handle;
    return handle;
  }

  /**
   * How many bytes this body will give, or -1 when that cannot be known: not a regular
   * file, or a handle read from its current position (node cannot tell where that is).
   */
  async byteLength(handle: FileHandle): Promise<number> {
    if (this.offset === undefined) return -1;
    const stat = await handle.stat();
    if (!stat.isFile()) return -1;
    return Math.min(this.length, Math.max(0, stat.size - this.offset));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const handle = await this.open();
    // null reads from (and moves) the handle's current position.
    let position: number | null = this.offset ?? null;
    let left = this.length;
    while (left > 0) {
      const size = Math.min(this.blockSize, left);
      // A fresh buffer each block: the consumer may keep the chunk.
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buffer, 0, size, position);
      if (bytesRead === 0) return;
      if (position !== null) position += bytesRead;
      left -= bytesRead;
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
    }
  }

  async close(): Promise<void> {
    const state = this.state;
    if (state.closed) return;
    state.closed = true;
    if (state.opening) await state.opening.then((handle) => handle.close(), () => undefined);
    else if (state.handle) await state.handle.close();
  }
}

/** True for a body made by `fileWrapper` (this copy or any other). */
export function isFileBody(body: Body): body is Body & FileBody {
  return (body as { [FILE_BODY]?: unknown })[FILE_BODY] === true;
}

function checkCount(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`wsgi.file_wrapper: range.${name} must be an integer >= 0 (bytes), got ${String(value)}`);
  }
  return value;
}

/**
 * `environ['wsgi.file_wrapper']`: `fileWrapper(pathOrHandle, blockSize = 65536, range?)`.
 * `range.offset` is a byte position from the start of the file, `range.length` a
 * number of bytes; see the module comment for where reading starts without them.
 */
export const fileWrapper: FileWrapper = function fileWrapper(file, blockSize = DEFAULT_BLOCK_SIZE, range) {
  if (typeof file !== 'string' && (typeof file !== 'object' || file === null || typeof file.read !== 'function')) {
    throw new TypeError('wsgi.file_wrapper: file must be a path or a FileHandle from node:fs/promises');
  }
  if (!Number.isInteger(blockSize) || blockSize <= 0) {
    throw new TypeError(`wsgi.file_wrapper: blockSize must be a positive integer, got ${String(blockSize)}`);
  }
  if (range !== undefined && (typeof range !== 'object' || range === null)) {
    throw new TypeError(`wsgi.file_wrapper: range must be an object { offset?, length? }, got ${range === null ? 'null' : typeof range}`);
  }
  const offset = checkCount('offset', range?.offset);
  const length = checkCount('length', range?.length);
  // A path is opened fresh, so its current position is its start.
  return new FileBody(file, blockSize, offset ?? (typeof file === 'string' ? 0 : undefined), length ?? Infinity);
};
