/**
 * How a multipart parse finds the `tempFileReaper()` above it: the reaper puts a set
 * under a symbol on the environ before it calls the app, and each parse that may write
 * temp files (`parseMultipart`, `readMultipartForm`, `request(environ).multipart()`)
 * adds itself. A symbol, not a `tsgi.*` key: it is this package's own bookkeeping, and
 * an environ copied by spread (`{ ...environ }`) keeps it, so a parse below a layer that
 * copies the environ is still found. `Symbol.for`, so the ESM and CommonJS builds of
 * this package agree on it.
 *
 * @example
 * const owners = reapedRequest(environ); // in the reaper, before the app
 * addTempFileOwner(environ, parts);      // in a parse
 * await removeTempFiles(owners);         // when the response body closes
 * @module
 */
import type { Environ } from '@tsgi/core';

/** What may hold temp files: a multipart parse. */
export interface TempFileOwner {
  cleanup(): Promise<void>;
}

const OWNERS = Symbol.for('tsgi.request.temp_file_owners');
type Tracked = Environ & { [OWNERS]?: Set<TempFileOwner> };

/** Marks the request as reaped and returns the set its parses will join. */
export function reapedRequest(environ: Environ): Set<TempFileOwner> {
  const owners = new Set<TempFileOwner>();
  (environ as Tracked)[OWNERS] = owners;
  return owners;
}

/** Registers `owner` with the reaper of this request, if there is one. */
export function addTempFileOwner(environ: Environ, owner: TempFileOwner): void {
  (environ as Tracked)[OWNERS]?.add(owner);
}

/** Removes the temp files of every owner; never rejects (each cleanup removes what it can). */
export async function removeTempFiles(owners: Set<TempFileOwner>): Promise<void> {
  const all = [...owners];
  owners.clear();
  await Promise.all(all.map((owner) => owner.cleanup().catch(() => undefined)));
}
