/**
 * The header half of `fromNodeListener`: the status line and header block node
 * serialised for a wrapped listener (`res._header`) become `startResponse`'s header
 * list, in order, repeats kept. Node's framing and connection headers are the
 * gateway's job and dropped; a transfer coding the gateway cannot apply is an error.
 *
 * @example
 * startResponse(`${res.statusCode} ${res.statusMessage}`, parseHeaderBlock(res._header));
 *
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-6.1 (Transfer-Encoding)
 * @module
 */
import type { ResponseHeaders } from '@tsgi/core';

// Node's framing and connection headers: the gateway decides those.
const NODE_FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * A listener's `Transfer-Encoding` other than `chunked` (gzip, deflate, compress) says
 * its bytes are coded; the gateway frames the body itself and would send them as if
 * they were not, silently changing what they mean. `chunked` alone is framing the
 * gateway does anyway.
 */
function checkTransferCoding(value: string): void {
  for (const coding of value.split(',')) {
    const name = coding.trim().toLowerCase();
    if (name !== '' && name !== 'chunked') {
      throw new TypeError(
        `fromNodeListener: the listener set Transfer-Encoding: ${value}, but the gateway frames the body itself ` +
          `and cannot apply ${JSON.stringify(name)}; send coded content with Content-Encoding (or a gzip middleware) ` +
          `and leave Transfer-Encoding to the server`,
      );
    }
  }
}

/**
 * The header list in node's serialised header block, minus node's framing headers.
 * Throws a TypeError for a Transfer-Encoding other than `chunked`.
 */
export function parseHeaderBlock(block: string): ResponseHeaders {
  const headers: ResponseHeaders = [];
  let start = block.indexOf('\r\n') + 2;
  const end = block.length - 2; // the blank line
  while (start < end) {
    const eol = block.indexOf('\r\n', start);
    const colon = block.indexOf(':', start);
    const name = block.slice(start, colon);
    const lower = name.toLowerCase();
    if (!NODE_FRAMING.has(lower)) headers.push([name, block.slice(colon + 2, eol)]);
    else if (lower === 'transfer-encoding') checkTransferCoding(block.slice(colon + 2, eol));
    start = eol + 2;
  }
  return headers;
}
