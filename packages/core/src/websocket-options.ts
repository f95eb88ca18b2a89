/**
 * The WebSocket options every gateway takes (`serve({ websocket })`,
 * `toFetch(app, { websocket })`, `testClient(app, { websocket })`), checked once
 * against one `DEFAULTS` table. The defaults are safe for a public server: a message
 * is at most 1 MiB (the `ws` package allows 100 MiB), a client that stops reading is
 * dropped once 4 MiB wait for it, permessage-deflate is off (compression of attacker
 * data costs memory and invites CRIME-like leaks), and the gateway pings every 30 s
 * (proxies drop idle connections after about a minute) and drops a peer that did not
 * answer the previous ping.
 *
 * @example
 * const settings = resolveWebSocketOptions('serve', options.websocket);
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-10 (security considerations)
 * @module
 */

export interface WebSocketOptions {
  /** Largest message (after reassembly) in bytes; a bigger one closes the connection with 1009. @default 1048576 (1 MiB) */
  maxPayload?: number;
  /** Bytes `send()` may queue for a client before the connection is dropped. @default 4194304 (4 MiB) */
  maxBufferedAmount?: number;
  /** Milliseconds between the gateway's pings; a peer that missed the last pong is dropped. 0 turns it off. @default 30000 */
  pingInterval?: number;
  /** Negotiate permessage-deflate when the client offers it. @default false */
  perMessageDeflate?: boolean;
  /**
   * Origins (`https://example.com`, as browsers send `Origin`) allowed to open a
   * WebSocket; others get 403. Requests without `Origin` (not from a browser) pass.
   * Set it whenever the app trusts cookies: browsers send them cross-site.
   * @default undefined (any origin)
   */
  origins?: readonly string[];
}

export type ResolvedWebSocketOptions = Required<Omit<WebSocketOptions, 'origins'>> & { origins: readonly string[] | undefined };

export const WEBSOCKET_DEFAULTS = Object.freeze({
  maxPayload: 1024 * 1024,
  maxBufferedAmount: 4 * 1024 * 1024,
  pingInterval: 30_000,
  perMessageDeflate: false,
  origins: undefined,
} satisfies ResolvedWebSocketOptions);

function positive(who: string, name: string, value: unknown, zero: boolean): number {
  if (typeof value !== 'number' || !(zero ? value >= 0 : value > 0) || !(Number.isInteger(value) || value === Infinity)) {
    throw new TypeError(`${who}: websocket.${name} must be an integer ${zero ? '>= 0' : '> 0'}, got ${String(value)}`);
  }
  return value;
}

/** Checks `options` and fills in the defaults; a bad one throws a TypeError naming it. */
export function resolveWebSocketOptions(who: string, options: WebSocketOptions = {}): ResolvedWebSocketOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${who}: websocket must be an options object or false, got ${String(options)}`);
  const d = WEBSOCKET_DEFAULTS;
  const origins = options.origins;
  if (origins !== undefined && (!Array.isArray(origins) || origins.some((origin) => typeof origin !== 'string'))) {
    throw new TypeError(`${who}: websocket.origins must be an array of origins such as 'https://example.com', got ${String(origins)}`);
  }
  const deflate = options.perMessageDeflate ?? d.perMessageDeflate;
  if (typeof deflate !== 'boolean') throw new TypeError(`${who}: websocket.perMessageDeflate must be a boolean, got ${String(deflate)}`);
  return {
    maxPayload: positive(who, 'maxPayload', options.maxPayload ?? d.maxPayload, false),
    maxBufferedAmount: positive(who, 'maxBufferedAmount', options.maxBufferedAmount ?? d.maxBufferedAmount, false),
    pingInterval: positive(who, 'pingInterval', options.pingInterval ?? d.pingInterval, true),
    perMessageDeflate: deflate,
    origins,
  };
}
