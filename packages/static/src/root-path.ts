/**
 * The real path of `staticFiles`' root while the server runs. The usual deploy swaps
 * a symlink (`current -> releases/N`, a new link renamed over the old one), so the
 * root's real path is not a start-up fact: it is held in memory for `maxAge` ms (one
 * clock read per request) and looked up again after that, and `resolve()` looks it
 * up now when a file seems to lie outside it, since the root may just have moved.
 *
 * `openInside()` is the check `staticFiles` makes with it: a file is served only if
 * its real path lies inside the root's real path as read before the file was opened,
 * or as read again after. So the request after a swap is served from the new release
 * (the open goes through the new link), a request that opened its file just before
 * the swap still gets it, and a symlink in the new release that leads out of it (into
 * the old one included) is refused once any request has seen the swap; until then,
 * for at most `maxAge`, the old release, the root a moment ago, still counts as
 * inside. One limit: a swap and a swap back within one request's open (milliseconds)
 * can make that request a 404.
 *
 * @example
 * const root = new RootRealPath('/srv/site/current');
 * const file = await openInside(root, '/srv/site/current/app.js'); // { handle, stat, path } or 404/403
 * @see https://man7.org/linux/man-pages/man3/realpath.3.html
 * @module
 */
import { realpath } from 'node:fs/promises';
import { isInside, openFile, realPathOf, release } from './open-file.js';
import type { OpenFile } from './send-file.js';

/** How long a looked-up real path is trusted without looking again. */
export const ROOT_MAX_AGE_MS = 1000;

export class RootRealPath {
  private real: string | undefined = undefined;
  private readAt = 0;
  /** Look-ups begun, and the number of the one whose answer is held: a slow older one never overwrites a newer. */
  private begun = 0;
  private held = 0;
  private pending: Promise<string | undefined> | null = null;

  constructor(
    private readonly root: string,
    private readonly maxAge: number = ROOT_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The root's real path: from memory while younger than `maxAge`, else looked up
   * (concurrent requests share that one look-up). `undefined` when there is no root
   * (yet: a build may still be writing it), and then it is looked up every time.
   */
  current(): string | undefined | Promise<string | undefined> {
    if (this.real !== undefined && this.now() - this.readAt < this.maxAge) return this.real;
    if (this.pending === null) {
      this.pending = this.resolve().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /** Looks the real path up now, sharing no look-up begun earlier, and keeps it. */
  async resolve(): Promise<string | undefined> {
    const number = ++this.begun;
    const at = this.now();
    let real: string | undefined;
    try {
      real = await realpath(this.root);
    } catch {
      real = undefined;
    }
    if (number > this.held) {
      this.held = number;
      this.real = real;
      this.readAt = at;
    }
    return real;
  }
}

/**
 * Opens `path` (a path under `root`'s configured path) if the file it names lies inside
 * the root; otherwise the status to answer (404 for outside, as for missing).
 */
export async function openInside(root: RootRealPath, path: string, open = openFile): Promise<OpenFile | 404 | 403> {
  // Read before the open: a file opened after a swap is checked against the root from
  // before it, fails, and is looked at again below; one opened before it matches.
  const known = root.current();
  const realRoot = typeof known === 'object' ? await known : known;
  const file = await open(path);
  if (typeof file === 'number') return file;
  const real = await realPathOf(file);
  if (realRoot !== undefined && isInside(real, realRoot)) return file;
  // Outside the root as it was (or there was none): it may have moved since. Look again, now.
  const now = await root.resolve();
  if (now !== undefined && now !== realRoot && isInside(real, now)) return file;
  release(file.handle);
  return 404;
}
