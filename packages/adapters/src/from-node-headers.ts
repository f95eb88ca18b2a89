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
import { checkTransferCoding, isNodeFraming } from './node-framing.js';

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
    if (!isNodeFraming(name)) headers.push([name, block.slice(colon + 2, eol)]);
    else checkTransferCoding(name, block.slice(colon + 2, eol), 'fromNodeListener', 'the listener');
    start = eol + 2;
  }
  return headers;
}
