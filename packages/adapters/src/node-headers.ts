/**
 * The header list a node `ServerResponse` holds (set one by one through `setHeader`,
 * `res.set`, `ctx.set`...) as tsgi `ResponseHeaders`, in the case they were set, each
 * value of a repeated field (Set-Cookie) its own pair. Node's framing and connection
 * headers are left out (node-framing.ts): the gateway writing the real response decides those.
 *
 * @example
 * startResponse(`${res.statusCode} ${res.statusMessage}`, nodeHeaderList(res, true, 'toConnect'));
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable (hop-by-hop headers)
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { ResponseHeaders } from '@tsgi/core';
import { checkTransferCoding, isNodeFraming } from './node-framing.js';

/**
 * `res`'s headers as a tsgi list; `take` also removes them from `res`. Throws a
 * TypeError for a Transfer-Encoding other than `chunked` (node-framing.ts).
 */
export function nodeHeaderList(res: ServerResponse, take: boolean, who: string): ResponseHeaders {
  const headers: ResponseHeaders = [];
  // getRawHeaderNames (node >= 15.13) keeps the case they were set in; @types/node 20 lacks it.
  for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
    const value = res.getHeader(name);
    if (take) res.removeHeader(name);
    if (value === undefined) continue;
    if (isNodeFraming(name)) {
      checkTransferCoding(name, String(value), who, 'the app below');
      continue;
    }
    if (Array.isArray(value)) for (const one of value) headers.push([name, one]);
    else headers.push([name, String(value)]);
  }
  return headers;
}
