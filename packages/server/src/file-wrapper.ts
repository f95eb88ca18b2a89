/**
 * `wsgi.file_wrapper`: turns a path or an open `FileHandle` into a Body the gateway
 * recognises (by a `Symbol.for('tsgi.file_wrapper')` tag) and sends by its fast path:
 * a node read stream piped to the socket, with `Content-Length` from `fstat` when
 * the app set none. Any middleware that iterates the body instead still gets plain
 * `Uint8Array` chunks of `blockSize` bytes, so wrapping it (gzip, a logger) just works.
 * `close()` closes the file, whether the wrapper opened it or was handed it, as
 * PEP 3333's wrapper closes its file-like object.
 *
 * @example
 * const app: Application = (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'application/pdf']]);
 *   return environ['wsgi.file_wrapper']!('./manual.pdf');
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

export class FileBody implements AsyncIterable<Uint8Array> {
  readonly [FILE_BODY] = true;
  private handle: FileHandle | null;
  private opening: Promise<FileHandle> | null = null;
  private closed = false;

  constructor(
    readonly file: string | FileHandle,
    readonly blockSize: number,
  ) {
    this.handle = typeof file === 'string' ? null : file;
  }

  /** The open file, opening it on first use; rejects once the body is closed. */
  async open(): Promise<FileHandle> {
    if (this.closed) throw new Error('tsgi file_wrapper: the body is already closed');
    if (this.handle) return this.handle;
    this.opening ??= open(this.file as string, 'r');
    const handle = await this.opening;
    // close() may have run while the file was opening; it closes what `opening` gives.
    if (this.closed) throw new Error('tsgi file_wrapper: the body was closed while the file was opening');
    this.handle = handle;
    return handle;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const handle = await this.open();
    let position = 0;
    for (;;) {
      // A fresh buffer each block: the consumer may keep the chunk.
      const buffer = Buffer.allocUnsafe(this.blockSize);
      const { bytesRead } = await handle.read(buffer, 0, this.blockSize, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === this.blockSize ? buffer : buffer.subarray(0, bytesRead);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opening) await this.opening.then((handle) => handle.close(), () => undefined);
    else if (this.handle) await this.handle.close();
  }
}

/** True for a body made by `fileWrapper` (this copy or any other). */
export function isFileBody(body: Body): body is Body & FileBody {
  return (body as { [FILE_BODY]?: unknown })[FILE_BODY] === true;
}

/** `environ['wsgi.file_wrapper']`: `fileWrapper(pathOrHandle, blockSize = 65536)`. */
export const fileWrapper: FileWrapper = function fileWrapper(file, blockSize = DEFAULT_BLOCK_SIZE) {
  if (typeof file !== 'string' && (typeof file !== 'object' || file === null || typeof file.read !== 'function')) {
    throw new TypeError('wsgi.file_wrapper: file must be a path or a FileHandle from node:fs/promises');
  }
  if (!Number.isInteger(blockSize) || blockSize <= 0) {
    throw new TypeError(`wsgi.file_wrapper: blockSize must be a positive integer, got ${String(blockSize)}`);
  }
  return new FileBody(file, blockSize);
};
