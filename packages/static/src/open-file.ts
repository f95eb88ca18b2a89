/**
 * Opening a file for a response, and what an fs error means to the client: a missing
 * file (or a name too long, a symlink loop, a file used as a directory) is 404, no
 * permission is 403; anything else is a server fault and is thrown to the gateway,
 * which logs it and answers a plain 500. No fs error text reaches a response.
 *
 * `realPathOf()` says where an open file really is (the path of its descriptor, on
 * Linux one readlink of /proc/self/fd, answered from memory; elsewhere realpath), and
 * `isInside()` compares it with the root's real path, so a symlink inside the root
 * that points out of it is caught, and checking the open descriptor leaves no gap
 * between the check and the use.
 *
 * @example
 * const opened = await openFile('/srv/www/index.html'); // { handle, stat, path } or 404/403
 * @module
 */
import { constants, fstatSync, readlinkSync } from 'node:fs';
import { realpath, open, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import type { OpenFile } from './send-file.js';

// O_NONBLOCK: opening a FIFO someone left in the root must not wait for a writer
// (it would hold a thread-pool thread); regular files read the same either way.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EISDIR', 'EINVAL']);
const FORBIDDEN = new Set(['EACCES', 'EPERM']);

/** The open file, or the status to answer when it cannot be opened (404 or 403). */
export async function openFile(path: string): Promise<OpenFile | 404 | 403> {
  let handle;
  try {
    handle = await open(path, FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NOT_FOUND.has(code)) return 404;
    if (FORBIDDEN.has(code)) return 403;
    throw error;
  }
  try {
    // fstat of an open descriptor reads the inode open() just loaded: no disk wait,
    // so it is done in place rather than with a thread-pool round trip.
    return { handle, stat: fstatSync(handle.fd), path };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function ignore(): void {}

/**
 * Closes a file whose bytes are not needed (or already in hand) without holding the
 * response for it: the close is one more thread-pool round trip, and nothing the
 * client gets depends on it.
 */
export function release(handle: FileHandle): void {
  handle.close().catch(ignore);
}

const PROC_FD = process.platform === 'linux';

/** Where the open file really is, symlinks resolved. */
export async function realPathOf(file: OpenFile): Promise<string> {
  if (PROC_FD) {
    try {
      // A /proc link is answered by the kernel from memory: read in place.
      return readlinkSync(`/proc/self/fd/${file.handle.fd}`);
    } catch {
      // /proc not mounted (some containers): fall back to resolving the name.
    }
  }
  return realpath(file.path);
}

/** Whether the real path `real` is `realRoot` or lies below it (both resolved paths). */
export function isInside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}
