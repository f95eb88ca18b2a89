/**
 * Which requests get a WebSocket offer, decided once for every gateway (the node
 * server, `toFetch` on Bun, Deno and Workers, `testClient`): RFC 6455 4.2.1's opening
 * handshake, read from the request's method, protocol and headers.
 *
 * - Not a WebSocket request at all (another method, HTTP/1.0, no `Upgrade: websocket`
 *   or no `Connection: upgrade`): `{ kind: 'none' }`, an ordinary request without offer.
 * - A WebSocket request the gateway must refuse before the app: a missing or malformed
 *   `Sec-WebSocket-Key` or `Sec-WebSocket-Protocol` (400), a version other than 13
 *   (426 with `Sec-WebSocket-Version: 13`, RFC 6455 4.4), an `Origin` outside the
 *   `origins` allow-list (403: cross-site WebSocket hijacking).
 * - Else `{ kind: 'offer', protocols }`.
 *
 * @example
 * const check = checkWebSocketRequest(req.method, 'HTTP/1.1', (name) => req.headers.get(name), { origins });
 * if (check.kind === 'refuse') return new Response(check.reason, { status: check.status, headers: check.headers });
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.4 (426 and the supported versions)
 * @module
 */
import { isToken } from './headers.js';
import type { ResponseHeaders } from './types.js';

export type WebSocketCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'refuse'; readonly status: number; readonly reason: string; readonly headers: ResponseHeaders }
  | { readonly kind: 'offer'; readonly protocols: string[] };

/** Reads a request header by its lower-case name; repeats joined with ', '. */
export type HeaderReader = (name: string) => string | null | undefined;

const NONE: WebSocketCheck = Object.freeze({ kind: 'none' });
/** 16 bytes in base64: 22 characters and '=='. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** True when the comma-separated list `value` holds `token` (case-insensitive). */
export function hasToken(value: string | null | undefined, token: string): boolean {
  if (!value) return false;
  for (const part of value.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

function refuse(status: number, reason: string, headers: ResponseHeaders = []): WebSocketCheck {
  return { kind: 'refuse', status, reason, headers };
}

/** The offered subprotocols, or undefined when the header is not a list of tokens. */
function parseProtocols(value: string | null | undefined): string[] | undefined {
  if (value === null || value === undefined) return [];
  const protocols: string[] = [];
  for (const part of value.split(',')) {
    const protocol = part.trim();
    if (protocol === '' || !isToken(protocol) || protocols.includes(protocol)) return undefined;
    protocols.push(protocol);
  }
  return protocols;
}

/**
 * Decides whether a request is a WebSocket handshake to offer, one to refuse, or none.
 * `protocol` is `SERVER_PROTOCOL` ('HTTP/1.1'); `origins` the allow-list, undefined for any.
 * A request without `Origin` (not from a browser) passes the allow-list.
 */
export function checkWebSocketRequest(
  method: string,
  protocol: string,
  header: HeaderReader,
  options: { origins?: readonly string[] | undefined } = {},
): WebSocketCheck {
  if (method !== 'GET' || protocol !== 'HTTP/1.1') return NONE;
  if (!hasToken(header('upgrade'), 'websocket') || !hasToken(header('connection'), 'upgrade')) return NONE;
  const key = header('sec-websocket-key');
  if (key === null || key === undefined || !KEY.test(key.trim())) {
    return refuse(400, `Sec-WebSocket-Key must be 16 bytes in base64, got ${key == null ? 'none' : JSON.stringify(key)}`);
  }
  const version = header('sec-websocket-version');
  if (version?.trim() !== '13') {
    return refuse(426, `Sec-WebSocket-Version must be 13, got ${version == null ? 'none' : JSON.stringify(version)}`, [
      ['Sec-WebSocket-Version', '13'],
    ]);
  }
  const protocols = parseProtocols(header('sec-websocket-protocol'));
  if (protocols === undefined) return refuse(400, 'Sec-WebSocket-Protocol must be a list of distinct tokens');
  const origin = header('origin');
  if (options.origins !== undefined && origin !== null && origin !== undefined && !options.origins.includes(origin)) {
    return refuse(403, `the Origin ${JSON.stringify(origin)} is not in the WebSocket origins allow-list`);
  }
  return { kind: 'offer', protocols };
}
