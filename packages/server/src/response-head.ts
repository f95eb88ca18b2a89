/**
 * The pieces of a response head the writer hands to node's `writeHead`, made once and
 * reused while they stay the same: the reason phrase of the status line, and the app's
 * header list with the Content-Length the gateway adds. An app answers with the same
 * status line and, most often, the same header list (a constant it made once) and the
 * same length request after request; node only reads the list it is given. A reused
 * list is the same list the app's would make now: the app's list, as the same array
 * with the same pair objects in it (a pair changed in place is changed in both), plus
 * a Content-Length of the same length. Anything else makes a new one, so an app that
 * reuses and changes its own array is never answered with an old head.
 *
 * @example
 * res.writeHead(code, reasonOf(status), length >= 0 ? withContentLength(headers, length) : headers);
 *
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-4 (status line)
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-6.3 (message body length)
 * @module
 */
import type { ResponseHeaders } from '@tsgi/core';

// One entry each: a server answers most requests with one or a few heads, and a
// compare of one entry costs less than any keyed look-up (a Map or WeakMap hashes).
let lastStatus = '';
let lastReason = '';
let lastFrom: ResponseHeaders | null = null;
let lastLength = -1;
let lastHead: ResponseHeaders = [];

/** The reason phrase of a status line that passed the checks (`"200 OK"` -> `"OK"`). */
export function reasonOf(status: string): string {
  if (status !== lastStatus) {
    lastReason = status.slice(4);
    lastStatus = status;
  }
  return lastReason;
}

/**
 * `headers` with `Content-Length: length` after them, as a new list (the app may
 * reuse its own array for every request, and must never see it changed) or as the
 * list made last time, when it holds exactly the same pairs and length.
 */
export function withContentLength(headers: ResponseHeaders, length: number): ResponseHeaders {
  const n = headers.length;
  if (headers === lastFrom && length === lastLength && lastHead.length === n + 1 && samePairs(headers, lastHead, n)) return lastHead;
  // Made at its size and filled by index: concat() looks up Symbol.isConcatSpreadable on
  // each argument, and slice() then push() copies the list and grows it again.
  const head = new Array<[string, string]>(n + 1);
  for (let i = 0; i < n; i++) head[i] = headers[i]!;
  head[n] = ['Content-Length', String(length)];
  lastFrom = headers;
  lastLength = length;
  lastHead = head;
  return head;
}

function samePairs(a: ResponseHeaders, b: ResponseHeaders, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
