/**
 * A strong ETag from a file's content (SHA-256), for `immutable` assets: the tag then
 * names the bytes, not the moment they were copied, so every server behind a load
 * balancer (and every redeploy of the same build) agrees on it. Each file is hashed
 * once per size and mtime; the result is cached, bounded.
 *
 * @example
 * await contentETag(handle, stat, '/srv/app.3f9a1c.js'); // '"sha256-q1M3...-lw"'
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3 (ETag)
 * @module
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

interface Entry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly etag: string;
}

const cache = new Map<string, Entry>();
const CACHE_LIMIT = 2000;
const BLOCK = 64 * 1024;

/** `"sha256-<base64url>"` of the file's bytes, read from position 0 of `handle`. */
export async function contentETag(handle: FileHandle, stat: Stats, path: string): Promise<string> {
  const cached = cache.get(path);
  if (cached !== undefined && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.etag;
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(BLOCK);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, BLOCK, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  const etag = `"sha256-${hash.digest('base64url')}"`;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, etag });
  return etag;
}
