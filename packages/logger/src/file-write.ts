/**
 * Direct writes for a log going to a file through an `fs.WriteStream`.
 *
 * A WriteStream writes through libuv's thread pool: every write wakes a pool thread
 * and comes back through the event loop, several times the CPU of the same batch
 * written with `fs.writeSync` (docs/benchmarks.md, figures behind choices in the code). So while the stream is idle
 * (open, nothing queued or in flight, not ending), a batch goes straight to its file
 * descriptor, one syscall, as Apache and pino's sync destination write their files.
 * Order is kept: a stream with anything queued gets the batch through `write()`.
 *
 * Only regular files and character devices (`/dev/null`, a terminal) qualify: a
 * write to a FIFO or socket can block until the reader catches up, which would
 * stall the server. The check is one `fstat` per stream.
 *
 * @example
 * const fd = idleFileDescriptor(stream);
 * const done = fd === undefined ? 0 : writeDirect(fd, bytes, used);
 * @module
 */
import { nodeBuiltin } from '@tsgi/core';
import type fs from 'node:fs';
import type { WriteStream } from 'node:fs';

let fsModule: typeof fs | null | undefined;

/** node:fs, looked up on first use: a runtime without it (Workers) has no file streams. */
function nodeFs(): typeof fs | null {
  return (fsModule ??= nodeBuiltin<typeof fs>('node:fs') ?? null);
}

// Per stream: the descriptor checked and whether it may be written directly.
const verdicts = new WeakMap<WriteStream, { fd: number; direct: boolean }>();

function mayWriteDirectly(fd: number): boolean {
  try {
    const stat = nodeFs()!.fstatSync(fd);
    return stat.isFile() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

/** The stream's file descriptor if a batch may be written to it right now, else undefined. */
export function idleFileDescriptor(target: unknown): number | undefined {
  const WriteStreamClass = nodeFs()?.WriteStream;
  if (WriteStreamClass === undefined || !(target instanceof WriteStreamClass)) return undefined;
  const fd = (target as WriteStream & { fd: unknown }).fd;
  if (typeof fd !== 'number' || target.writableLength !== 0 || target.destroyed || target.writableEnded) return undefined;
  let verdict = verdicts.get(target);
  if (verdict === undefined || verdict.fd !== fd) verdicts.set(target, (verdict = { fd, direct: mayWriteDirectly(fd) }));
  return verdict.direct ? fd : undefined;
}

/**
 * Writes `bytes[0, length)` to `fd`; returns how many bytes went out. Stops early on
 * any error (EAGAIN, ENOSPC, ...): the caller hands the rest to the stream, which
 * retries or reports the error on its own 'error' event as it would for any write.
 */
export function writeDirect(fd: number, bytes: Uint8Array, length: number): number {
  let offset = 0;
  try {
    const { writeSync } = nodeFs()!;
    while (offset < length) offset += writeSync(fd, bytes, offset, length - offset);
  } catch {
    // Left to the stream.
  }
  return offset;
}
