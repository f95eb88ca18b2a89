/**
 * Validators (RFC 9110 section 8.8): entity tags and HTTP dates, made, parsed and
 * compared. A file's tag is strong and made from its size and modification time, as
 * nginx and Apache do, so it needs no read of the file; the weak and strong
 * comparison functions are the RFC's, so a gzip variant's `W/"..."` still matches for
 * `If-None-Match` but never for `If-Match` or `If-Range`.
 *
 * @example
 * statETag(1024, 1732800000000); // '"400-1937a1f1400"'
 * weakMatch('W/"abc"', '"abc"'); // true
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3 (ETag)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3.2 (comparison)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7 (HTTP-date)
 * @module
 */

/** A strong entity tag for a file from its size and modification time (ms). */
export function statETag(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** An HTTP-date (IMF-fixdate) for a time in ms; HTTP dates carry whole seconds. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** The time an HTTP-date names, in ms, or `undefined` when it is not a date. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A time floored to whole seconds, the precision of Last-Modified. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** True for `W/"..."`. */
export function isWeak(tag: string): boolean {
  return tag.charCodeAt(0) === 87 && tag.charCodeAt(1) === 47; // 'W/'
}

function opaque(tag: string): string {
  return isWeak(tag) ? tag.slice(2) : tag;
}

/** Strong comparison: both tags strong and the same characters. */
export function strongMatch(a: string, b: string): boolean {
  return !isWeak(a) && !isWeak(b) && a === b;
}

/** Weak comparison: the opaque tags are the same, weak or not. */
export function weakMatch(a: string, b: string): boolean {
  return opaque(a) === opaque(b);
}

/**
 * The entity tags of an `If-Match`/`If-None-Match` value, `'*'` for the wildcard.
 * A tag may hold commas, so this scans for quotes instead of splitting; anything
 * that is not a tag (a bare word some clients send) is skipped.
 */
export function parseETags(value: string): string[] | '*' {
  if (value.trim() === '*') return '*';
  const tags: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    const start = value.indexOf('"', i);
    if (start === -1) break;
    const end = value.indexOf('"', start + 1);
    if (end === -1) break;
    const weak = start >= 2 && value.charCodeAt(start - 1) === 47 && value.charCodeAt(start - 2) === 87;
    tags.push((weak ? 'W/' : '') + value.slice(start, end + 1));
    i = end + 1;
  }
  return tags;
}

/** Whether `header` (an If-*-Match value) lists `tag` under `compare`, or is `*`. */
export function listMatches(header: string, tag: string | undefined, compare: (a: string, b: string) => boolean): boolean {
  const tags = parseETags(header);
  if (tags === '*') return true;
  if (tag === undefined) return false;
  for (const candidate of tags) if (compare(candidate, tag)) return true;
  return false;
}
