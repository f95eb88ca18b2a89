/**
 * Path normalisation for prefix matching: RFC 3986 dot-segment removal plus
 * collapsing runs of `/`, so `/public/../admin` and `//admin` are `/admin` before
 * `urlMap` compares them with a mount prefix, and a prefix cannot be bypassed.
 *
 * A trailing slash is kept (`/a/b/..` is `/a/`); `..` never climbs above the root.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4 (remove_dot_segments)
 * @module
 */

// Anything normalisation would change: '//' or a '.'/'..' segment.
const NEEDS_WORK = /\/\/|\/\.\.?(?:\/|$)/;

/** The normalised form of a PATH_INFO; the same string when it is already normal. */
export function normalizePath(path: string): string {
  // PEP 3333: PATH_INFO is empty or starts with '/'; anything else (`*`) is left alone.
  if (path.charCodeAt(0) !== 47 || !NEEDS_WORK.test(path)) return path;
  const segments = path.split('/');
  const out: string[] = [];
  const last = segments.length - 1;
  for (let i = 1; i <= last; i++) {
    const segment = segments[i]!;
    if (segment === '..') {
      out.pop();
    } else if (segment !== '.' && segment !== '') {
      out.push(segment);
      continue;
    }
    // A dot or empty segment at the end leaves the path ending in '/'.
    if (i === last) out.push('');
  }
  return '/' + out.join('/');
}
