/**
 * The WebSocket extension of the contract: `environ['tsgi.websocket']`. A gateway that
 * can upgrade the connection puts a `WebSocketOffer` there, and only for a valid
 * handshake (RFC 6455 4.2.1: GET over HTTP/1.1 with `Upgrade: websocket`,
 * `Connection: upgrade`, a 16-byte `Sec-WebSocket-Key` and `Sec-WebSocket-Version: 13`).
 * The handshake is an ordinary tsgi call through the whole stack, as Rack 3.1's
 * `rack.protocol`: the app calls `accept(handlers)`, then
 * `startResponse('101 Switching Protocols', headers)` and returns an empty body. Any
 * other status is a refusal sent as a normal response (auth's 401 included). An app
 * that ignores the key keeps working.
 *
 * @example
 * const chat: Application = (environ, startResponse) => {
 *   const offer = environ['tsgi.websocket'];
 *   if (offer === undefined) {
 *     startResponse('426 Upgrade Required', [['Content-Type', 'text/plain']]);
 *     return [new TextEncoder().encode('a WebSocket endpoint\n')];
 *   }
 *   offer.accept({ message: (ws, data) => void ws.send(data) });
 *   startResponse('101 Switching Protocols', []);
 *   return [];
 * };
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455
 * @see https://github.com/rack/rack/blob/main/SPEC.rdoc (rack.protocol)
 * @module
 */

/** The environ key of the offer. */
export const WEBSOCKET_KEY = 'tsgi.websocket';

/** A message: text frames arrive as a string, binary frames as bytes. */
export type WebSocketMessage = string | Uint8Array;

/** `readyState` values, as the browser's `WebSocket` numbers them. */
export const WS_CONNECTING = 0;
export const WS_OPEN = 1;
export const WS_CLOSING = 2;
export const WS_CLOSED = 3;

/** The server's side of one WebSocket connection, handed to every handler. */
export interface WebSocketConnection {
  /** The subprotocol chosen with `accept(handlers, { protocol })`, or ''. */
  readonly protocol: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed (the browser's numbers). */
  readonly readyState: number;
  /**
   * Bytes queued by `send()` that the gateway has not handed to the network yet.
   * Past the gateway's `maxBufferedAmount` the connection is dropped: a client that
   * stopped reading never makes the server hold an unbounded buffer.
   */
  readonly bufferedAmount: number;
  /**
   * Sends a message: a string as a text frame, bytes as a binary frame, unless
   * `options.binary` says otherwise. The Promise resolves once the gateway handed it on
   * (or the connection closed first); it never rejects, so an unawaited send is safe,
   * and awaiting each send is backpressure.
   */
  send(data: WebSocketMessage, options?: WebSocketSendOptions): Promise<void>;
  /** Starts the closing handshake: code 1000-1003, 1007-1014 or 3000-4999 (default 1000), reason up to 123 bytes of UTF-8. */
  close(code?: number, reason?: string): void;
}

export interface WebSocketSendOptions {
  /**
   * The frame's type. `false` sends bytes as a text frame without decoding them first:
   * they must be UTF-8, as a text message received with `accept(h, { decode: false })`
   * is (relaying or echoing it then costs no decode and no encode). `true` sends a
   * string as a binary frame of its UTF-8 bytes.
   * @default typeof data !== 'string'
   */
  binary?: boolean;
}

/**
 * What the app does on the connection; each handler is optional and may return a
 * Promise. A handler that throws (or rejects) is reported to `error` and the
 * connection is closed with 1011, as a 500 would end a request.
 */
export interface WebSocketHandlers {
  /** The 101 went out and messages may flow. */
  open?(ws: WebSocketConnection): void | Promise<void>;
  /**
   * A whole message. `binary` is false for a text frame: `data` is then a string, or
   * with `accept(h, { decode: false })` its UTF-8 bytes (validated).
   */
  message?(ws: WebSocketConnection, data: WebSocketMessage, binary: boolean): void | Promise<void>;
  /**
   * Once per accepted connection, however it ended (1005 when the peer gave no code,
   * 1006 when it was cut); also when the client left during the handshake, without `open`.
   */
  close?(ws: WebSocketConnection, code: number, reason: string): void | Promise<void>;
  /** A protocol error, a frame over `maxPayload` (then close is 1009), or a handler's throw. */
  error?(ws: WebSocketConnection, error: unknown): void | Promise<void>;
}

export interface WebSocketAcceptOptions {
  /** The subprotocol to answer with; one of `offer.protocols`. @default none */
  protocol?: string;
  /**
   * Text messages reach `message` as strings. `false`: as their UTF-8 bytes (validated
   * by the gateway), with `binary` false; for an app that relays, stores or parses
   * bytes, which then skips a decode per message (and, sending them on with
   * `{ binary: false }`, an encode).
   * @default true
   */
  decode?: boolean;
}

/** `environ['tsgi.websocket']`: present only on a valid handshake. */
export interface WebSocketOffer {
  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`), in its order. */
  readonly protocols: readonly string[];
  /**
   * Takes the connection if the response is `101 Switching Protocols`; call it once,
   * before that `startResponse`. A refusal (any other status) leaves it unused.
   */
  accept(handlers: WebSocketHandlers, options?: WebSocketAcceptOptions): void;
}
