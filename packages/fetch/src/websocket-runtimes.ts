/**
 * How each fetch runtime switches a request to a WebSocket, behind one shape: Bun's
 * `server.upgrade()` (the server is the fetch handler's second argument; the
 * connection's events come to the `bunWebSocket()` object given to `Bun.serve`),
 * Deno's `Deno.upgradeWebSocket()`, and Workers' `WebSocketPair`. Each turns its
 * runtime's socket into core's `WebSocketTransport` and feeds core's
 * `GatewayWebSocket` (the rules the app sees). A runtime none of these fits (Node
 * behind @hono/node-server, Lambda) offers no WebSocket.
 *
 * @example
 * export default { fetch: toFetch(app) }; // Workers, Deno: nothing more
 * Bun.serve({ fetch: toFetch(app), websocket: bunWebSocket() }); // Bun
 *
 * @see https://bun.sh/docs/api/websockets
 * @see https://docs.deno.com/api/deno/~/Deno.upgradeWebSocket
 * @see https://developers.cloudflare.com/workers/runtime-apis/websockets/
 * @module
 */
import { type ResponseHeaders, type WebSocketMessage } from '@tsgi/core';
import {
  resolveWebSocketOptions,
  type GatewayWebSocket,
  type ResolvedWebSocketOptions,
  type WebSocketOptions,
  type WebSocketTransport,
} from '@tsgi/core/gateway';

/** What a runtime needs to switch one request: the session it should feed. */
export type MakeSession = (transport: WebSocketTransport) => GatewayWebSocket;

/** A runtime's way to answer an accepted 101; `undefined` is Bun's "already answered". */
export type Switch = (request: Request, protocol: string, headers: ResponseHeaders, session: MakeSession) => Response | undefined;

/** The standard socket Deno and Workers hand out, as far as it is used here. */
interface StandardSocket {
  readonly readyState: number;
  readonly bufferedAmount?: number;
  binaryType?: string;
  send(data: WebSocketMessage): void;
  close(code?: number, reason?: string): void;
  accept?(): void;
  addEventListener(type: string, listener: (event: { data?: unknown; code?: number; reason?: string; error?: unknown; message?: string }) => void): void;
}

/** The Bun server handed to fetch, as far as it is used here. */
interface BunServer {
  upgrade(request: Request, options: { data: unknown; headers: Record<string, string> | Headers }): boolean;
}

/** Bun's ServerWebSocket, as far as it is used here. */
interface BunSocket {
  data: BunData;
  send(data: WebSocketMessage): number;
  close(code?: number, reason?: string): void;
  terminate?(): void;
  getBufferedAmount?(): number;
}
interface BunData {
  make: MakeSession;
  session?: GatewayWebSocket;
  /** Sends waiting for Bun's drain, and its resolve. */
  drained?: Promise<void>;
  drain?: () => void;
}

const QUEUED: Promise<void> = Promise.resolve();
const toBytes = (data: unknown): WebSocketMessage => (typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));

/** Feeds a standard socket's events to a session (Deno, Workers). */
function standard(socket: StandardSocket, make: MakeSession): void {
  const transport: WebSocketTransport = {
    send(data) {
      socket.send(data);
      // The standard socket has no drain event: a send that left bytes queued returns a
      // settled Promise, so the session checks bufferedAmount against its limit.
      return (socket.bufferedAmount ?? 0) > 0 ? QUEUED : undefined;
    },
    close: (code, reason) => socket.close(code, reason),
    // The standard API cannot drop a connection without a close frame: 1008 comes nearest.
    terminate: () => socket.close(1008, 'send buffer full'),
    get bufferedAmount() {
      return socket.bufferedAmount ?? 0;
    },
  };
  const session = make(transport);
  socket.addEventListener('message', (event) => session.received(toBytes(event.data)));
  socket.addEventListener('close', (event) => session.closed(event.code ?? 1005, event.reason ?? ''));
  socket.addEventListener('error', (event) => session.failed(event.error ?? new Error(event.message ?? 'WebSocket error')));
  // Deno's socket opens once the 101 went out; a Worker's accepted one is open already,
  // and the app's first sends wait a turn, until its 101 Response is returned.
  if (socket.readyState === 1) setTimeout(() => session.opened(), 0);
  else socket.addEventListener('open', () => session.opened());
}

function headersObject(headers: ResponseHeaders, protocol: string): Headers {
  const out = new Headers(headers);
  if (protocol !== '') out.set('Sec-WebSocket-Protocol', protocol);
  return out;
}

/** The runtime's switch, from the globals and the fetch handler's extra arguments; undefined for none. */
export function runtimeSwitch(rest: unknown[], settings: ResolvedWebSocketOptions): Switch | undefined {
  const bun = rest[0] as Partial<BunServer> | undefined;
  if (typeof bun?.upgrade === 'function') {
    return (request, protocol, headers, make) => {
      const data: BunData = { make };
      // An upgrade Bun refuses (the client left) answers itself below: a plain 400.
      if (bun.upgrade!(request, { data, headers: headersObject(headers, protocol) })) return undefined;
      make(CLOSED_TRANSPORT).closed(1006, '');
      return new Response('WebSocket upgrade failed\n', { status: 400 });
    };
  }
  const deno = (globalThis as { Deno?: { upgradeWebSocket?: (request: Request, options: object) => { socket: StandardSocket; response: Response } } }).Deno;
  if (typeof deno?.upgradeWebSocket === 'function') {
    return (request, protocol, headers, make) => {
      const idleTimeout = settings.pingInterval === Infinity ? 0 : Math.ceil(settings.pingInterval / 1000);
      const { socket, response } = deno.upgradeWebSocket!(request, protocol === '' ? { idleTimeout } : { protocol, idleTimeout });
      socket.binaryType = 'arraybuffer';
      for (const [name, value] of headers) response.headers.append(name, value);
      standard(socket, make);
      return response;
    };
  }
  const Pair = (globalThis as { WebSocketPair?: new () => Record<0 | 1, StandardSocket> }).WebSocketPair;
  if (typeof Pair === 'function') {
    return (_request, protocol, headers, make) => {
      const pair = new Pair();
      const server = pair[1];
      server.accept!();
      standard(server, make);
      return new Response(null, { status: 101, webSocket: pair[0], headers: headersObject(headers, protocol) } as ResponseInit);
    };
  }
  return undefined;
}

const CLOSED_TRANSPORT: WebSocketTransport = { send: () => undefined, close() {}, terminate() {}, bufferedAmount: 0 };

function drained(data: BunData): void {
  const resolve = data.drain;
  data.drained = data.drain = undefined;
  resolve?.();
}

/**
 * The `websocket` object for `Bun.serve({ fetch: toFetch(app), websocket: bunWebSocket() })`:
 * Bun delivers every connection's events here, and they go to the session the
 * upgrade made. Give it the same options as `toFetch`'s `websocket`.
 */
export function bunWebSocket(options: WebSocketOptions = {}): object {
  const settings = resolveWebSocketOptions('bunWebSocket', options);
  return {
    maxPayloadLength: settings.maxPayload,
    backpressureLimit: settings.maxBufferedAmount,
    closeOnBackpressureLimit: true,
    perMessageDeflate: settings.perMessageDeflate,
    sendPings: settings.pingInterval > 0,
    idleTimeout: settings.pingInterval > 0 ? Math.max(1, Math.ceil((settings.pingInterval * 2) / 1000)) : 0,
    open(ws: BunSocket): void {
      const data = ws.data;
      data.session = data.make({
        send(message) {
          // -1: queued past the backpressure mark; the drain handler lets it go.
          if (ws.send(message) !== -1) return undefined;
          return (data.drained ??= new Promise<void>((resolve) => (data.drain = resolve)));
        },
        close: (code, reason) => ws.close(code, reason),
        terminate: () => (ws.terminate ? ws.terminate() : ws.close(1008, 'send buffer full')),
        get bufferedAmount() {
          return ws.getBufferedAmount?.() ?? 0;
        },
      });
      data.session.opened();
    },
    message(ws: BunSocket, message: string | Uint8Array): void {
      ws.data.session?.received(typeof message === 'string' ? message : new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    },
    close(ws: BunSocket, code: number, reason: string): void {
      drained(ws.data);
      ws.data.session?.closed(code, reason);
    },
    drain(ws: BunSocket): void {
      drained(ws.data);
    },
  };
}
