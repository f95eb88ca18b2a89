/**
 * The one rule for a node response's headers becoming tsgi headers, for every bridge
 * that reads them (`fromNodeListener`'s serialised block, the host adapters' `res`):
 * node's framing and connection headers are the gateway's to write and are left out,
 * and a transfer coding other than `chunked` is an error, never silently dropped.
 *
 * @example
 * if (isNodeFraming(name)) checkTransferCoding(name, value, 'toConnect', 'the app below');
 *
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-6.1 (Transfer-Encoding)
 * @see https://peps.python.org/pep-3333/#other-http-features (hop-by-hop headers)
 * @module
 */
import { headerNameIs } from '@tsgi/core';

const NODE_FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/** Whether `name` (any case) is one of node's framing headers, which the gateway writes itself. */
export function isNodeFraming(name: string): boolean {
  return NODE_FRAMING.has(name.toLowerCase());
}

/**
 * A `Transfer-Encoding` other than `chunked` (gzip, deflate, compress) says the bytes
 * are coded; the gateway frames the body itself and would send them as if they were
 * not, silently changing what they mean. `chunked` alone is framing the gateway does
 * anyway. Other framing headers pass.
 */
export function checkTransferCoding(name: string, value: string, who: string, source: string): void {
  if (!headerNameIs(name, 'transfer-encoding')) return;
  for (const coding of value.split(',')) {
    const token = coding.trim().toLowerCase();
    if (token !== '' && token !== 'chunked') {
      throw new TypeError(
        `${who}: ${source} set Transfer-Encoding: ${value}, but the gateway frames the body itself ` +
          `and cannot apply ${JSON.stringify(token)}; send coded content with Content-Encoding (or a gzip middleware) ` +
          `and leave Transfer-Encoding to the server`,
      );
    }
  }
}
