/**
 * Content-Type from a file name, through `mrmime` (the mime-db table, kept up to date
 * by its maintainers, with no `node:` imports so it runs on every runtime). Text types
 * get `; charset=utf-8`, since a browser left to guess may pick latin-1 for them.
 *
 * @example
 * contentTypeFor('app.3f9a1c.js'); // 'text/javascript; charset=utf-8'
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.3 (Content-Type)
 * @module
 */
import { lookup } from 'mrmime';

/** What an unknown extension is served as: bytes a browser will offer to save. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

// Types that are text without a text/ prefix: a charset keeps their decoding stable.
const TEXT_LIKE = new Set(['application/json', 'application/manifest+json', 'application/xml', 'image/svg+xml']);

// One entry per extension a site has; bounded so odd request names cannot grow it.
const cache = new Map<string, string>();
const CACHE_LIMIT = 500;

/** The Content-Type for a file name, by its last extension; `fallback` when unknown. */
export function contentTypeFor(name: string, fallback = DEFAULT_CONTENT_TYPE): string {
  const dot = name.lastIndexOf('.');
  const slash = name.lastIndexOf('/');
  if (dot <= slash + 1) return fallback; // no extension, or a dotfile such as '.env'
  const extension = name.slice(dot + 1).toLowerCase();
  let type = cache.get(extension);
  if (type === undefined) {
    const found = lookup(extension);
    if (found === undefined) return fallback;
    type = found.startsWith('text/') || TEXT_LIKE.has(found) ? `${found}; charset=utf-8` : found;
    if (cache.size < CACHE_LIMIT) cache.set(extension, type);
  }
  return type;
}
