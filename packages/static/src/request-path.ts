/**
 * From `PATH_INFO` to the path segments of a file under the root, or a refusal.
 *
 * `PATH_INFO` was percent-decoded once by the gateway (one char per byte, PEP 3333);
 * it is never decoded again, so `%252e%252e` stays the literal name `%2e%2e`. Its
 * bytes are read as UTF-8 (invalid UTF-8 is refused). Empty and `.` segments are
 * dropped; a `..` segment, a backslash, a NUL (and a `:` where the OS separates
 * drives with it) is a refusal, not something to normalise away: a request that
 * tries them is not after a file. Because every remaining segment is a plain name,
 * joining them to the root cannot leave it; symlinks are checked after opening.
 *
 * @example
 * requestPath('/css/site.css'); // { segments: ['css', 'site.css'], slash: false, dotfile: false }
 * requestPath('/a/../b'); // undefined (also for /a/%2e%2e/b, which the gateway decoded to this)
 * @see https://owasp.org/www-community/attacks/Path_Traversal
 * @see https://peps.python.org/pep-3333/#unicode-issues
 * @module
 */
import { sep } from 'node:path';

export interface RequestPath {
  /** The names from the root down, none empty, `.` or `..`. */
  readonly segments: string[];
  /** Whether the request path ended in `/` (a directory URL). */
  readonly slash: boolean;
  /** Whether any segment starts with `.` (`.env`, `.git/config`). */
  readonly dotfile: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NON_ASCII = /[^\x00-\x7f]/;
// Characters no served name may hold: NUL, backslash (a separator on Windows, and a
// way around '/'-based checks elsewhere), and ':' where it names drives and streams.
const FORBIDDEN = sep === '\\' ? /[\x00\\:]/ : /[\x00\\]/;

/** PATH_INFO's bytes (one char each) read as UTF-8, or undefined when they are not UTF-8. */
function decodeUtf8(pathInfo: string): string | undefined {
  if (!NON_ASCII.test(pathInfo)) return pathInfo;
  const bytes = new Uint8Array(pathInfo.length);
  for (let i = 0; i < pathInfo.length; i++) {
    const code = pathInfo.charCodeAt(i);
    if (code > 0xff) return undefined; // not a PEP 3333 native string
    bytes[i] = code;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The segments `pathInfo` names under the root, or `undefined` when it is refused. */
export function requestPath(pathInfo: string): RequestPath | undefined {
  const path = decodeUtf8(pathInfo);
  if (path === undefined || FORBIDDEN.test(path)) return undefined;
  const segments: string[] = [];
  let dotfile = false;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    if (part.charCodeAt(0) === 46) dotfile = true; // '.'
    segments.push(part);
  }
  return { segments, slash: path.endsWith('/'), dotfile };
}
