/**
 * A response body that reads parts of an open file with positioned reads, block by
 * block: the ranges of a 206, the parts of a multipart/byteranges, or the whole file
 * when the server offers no `wsgi.file_wrapper` (fetch runtimes, or a file body some
 * middleware iterates). Nothing is read before the gateway asks for it, so a slow
 * client holds one block, not the file.
 *
 * `close()` closes the file handle, once, however the response ended (done, client
 * gone, error); node waits for a read in flight before closing it.
 *
 * @example
 * return new FileRangeBody(handle, [{ start: 0, end: 99 }], 65536);
 * @see https://peps.python.org/pep-3333/#optional-platform-specific-file-handling
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import type { BodyPart } from './multipart.js';

export class FileRangeBody implements AsyncIterable<Uint8Array> {
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly parts: readonly BodyPart[],
    private readonly blockSize: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (const part of this.parts) {
      if (part instanceof Uint8Array) {
        yield part;
        continue;
      }
      let position = part.start;
      while (position <= part.end) {
        if (this.closed) return;
        const want = Math.min(this.blockSize, part.end - position + 1);
        // A fresh buffer per block: the consumer may keep the chunk it was given.
        const buffer = new Uint8Array(want);
        const { bytesRead } = await this.handle.read(buffer, 0, want, position);
        if (bytesRead === 0) {
          // The file shrank under us: the promised length cannot be met.
          throw new Error(`tsgi static: the file ended at byte ${position}, before the ${part.end + 1} the response promised`);
        }
        position += bytesRead;
        yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  /** Whether close() has run; for tests and for middleware that must not reuse it. */
  get isClosed(): boolean {
    return this.closed;
  }
}
