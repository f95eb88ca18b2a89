/**
 * One accepted WebSocket connection as the app sees it, written once for every
 * gateway: each runtime supplies a `WebSocketTransport` (how a message leaves, how
 * the connection closes) and reports its events here (`opened`, `received`, `closed`,
 * `failed`); this class keeps the rules. `close` reaches the app exactly once, also
 * when the connection never opened; a handler that throws or rejects goes to `error`
 * and the connection closes with 1011; a message over `maxPayload` closes with 1009
 * on runtimes without a frame limit of their own; a send that leaves more than
 * `maxBufferedAmount` bytes queued drops the connection (the client stopped reading).
 *
 * @example
 * const ws = new GatewayWebSocket(transport, upgrade.handlers!, upgrade.protocol, settings, environ['wsgi.errors']);
 * socket.on('message', (data) => ws.received(data));
 * socket.on('close', (code, reason) => ws.closed(code, reason));
 * ws.opened();
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-7.4 (status codes)
 * @module
 */
import { describeError } from './describe-error.js';
import { describeValue } from './body-check.js';
import type { ErrorStream } from './types.js';
import {
  WS_CLOSED,
  WS_CLOSING,
  WS_CONNECTING,
  WS_OPEN,
  type WebSocketConnection,
  type WebSocketHandlers,
  type WebSocketMessage,
  type WebSocketSendOptions,
} from './websocket.js';

/** How one runtime moves messages; the session calls it, never the app. */
export interface WebSocketTransport {
  /**
   * Sends a message: `undefined` when nothing is left queued (the usual case, no
   * Promise made), else a Promise that resolves once the queue drained, or once it
   * never will (the connection closed), or at once on a runtime that cannot tell. It
   * never rejects. Only then does the session read `bufferedAmount`.
   */
  send(data: WebSocketMessage): Promise<void> | undefined;
  /**
   * Sends UTF-8 bytes as a text frame, as `send` returns. Optional: without it the
   * session decodes them and calls `send` with the string.
   */
  sendText?(data: Uint8Array): Promise<void> | undefined;
  /** Starts the closing handshake; the runtime reports the end through `closed()`. */
  close(code: number, reason: string): void;
  /** Drops the connection now; the runtime reports the end through `closed()` (1006). */
  terminate(): void;
  readonly bufferedAmount: number;
}

export interface SessionLimits {
  /** Largest message `received()` passes on; Infinity when the runtime enforces it per frame. */
  maxPayload: number;
  maxBufferedAmount: number;
}

/** Registered codes an endpoint may send (1004-1006 and 1015 are never sent). */
const SENDABLE = new Set([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]);

type Handler = WebSocketHandlers[keyof WebSocketHandlers];

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const resolved: Promise<void> = Promise.resolve();

/** UTF-8 length of `text` without encoding it when it obviously fits. */
function byteLength(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : encoder.encode(text).byteLength;
}

/** Why `code`/`reason` cannot close a connection (RFC 6455 7.4), or undefined. */
function checkClose(code: unknown, reason: unknown): string | undefined {
  if (typeof code !== 'number' || !(SENDABLE.has(code) || (Number.isInteger(code) && code >= 3000 && code <= 4999))) {
    return `close(code) takes 1000-1003, 1007-1014 or 3000-4999, got ${describeValue(code)}`;
  }
  if (typeof reason !== 'string' || encoder.encode(reason).byteLength > 123) {
    return `close(code, reason) takes a reason of at most 123 bytes of UTF-8, got ${describeValue(reason)}`;
  }
  return undefined;
}

export class GatewayWebSocket implements WebSocketConnection {
  readyState: number = WS_CONNECTING;
  private ended = false;

  constructor(
    private readonly transport: WebSocketTransport,
    private readonly handlers: WebSocketHandlers,
    readonly protocol: string,
    private readonly limits: SessionLimits,
    private readonly errors: ErrorStream,
    /** Text messages reach the app as strings (accept's `decode`); false: as UTF-8 bytes. */
    readonly decode = true,
  ) {}

  get bufferedAmount(): number {
    return this.readyState === WS_CLOSED ? 0 : this.transport.bufferedAmount;
  }

  send(data: WebSocketMessage, options?: WebSocketSendOptions): Promise<void> {
    const text = typeof data === 'string';
    if (!text && !(data instanceof Uint8Array)) {
      throw new TypeError(`ws.send() takes a string or a Uint8Array, got ${describeValue(data)}`);
    }
    if (this.readyState !== WS_OPEN) return resolved;
    const binary = options?.binary;
    let sent: Promise<void> | undefined;
    if (binary === undefined || binary !== text) sent = this.transport.send(data);
    else if (text) sent = this.transport.send(encoder.encode(data));
    else sent = this.transport.sendText !== undefined ? this.transport.sendText(data) : this.transport.send(decoder.decode(data));
    // Nothing queued (`undefined`, the usual case): no bufferedAmount to check.
    if (sent !== undefined && this.transport.bufferedAmount > this.limits.maxBufferedAmount) {
      this.errors.write(
        `tsgi websocket: dropped a connection with ${this.transport.bufferedAmount} bytes queued (maxBufferedAmount ${this.limits.maxBufferedAmount}): the client is not reading\n`,
      );
      this.readyState = WS_CLOSING;
      this.transport.terminate();
    }
    return sent ?? resolved;
  }

  close(code = 1000, reason = ''): void {
    const problem = checkClose(code, reason);
    if (problem !== undefined) throw new RangeError(problem);
    if (this.readyState >= WS_CLOSING) return;
    this.readyState = WS_CLOSING;
    this.transport.close(code, reason);
  }

  /** The runtime: the 101 went out. */
  opened(): void {
    if (this.readyState !== WS_CONNECTING) return;
    this.readyState = WS_OPEN;
    this.call('open', this.handlers.open, undefined, undefined);
  }

  /** The runtime: a whole message arrived, text as a string, binary as bytes. */
  received(data: WebSocketMessage): void {
    if (this.readyState !== WS_OPEN) return;
    const limit = this.limits.maxPayload;
    if (typeof data !== 'string') {
      // The size is read only when there is a limit to keep here: a runtime that checks
      // each frame itself (ws, Bun) passes Infinity, and the message costs no byteLength.
      if (limit !== Infinity && !this.fits(data.byteLength)) return;
      this.call('message', this.handlers.message, data, true);
    } else if (limit === Infinity || this.fits(byteLength(data, limit))) {
      this.call('message', this.handlers.message, this.decode ? data : encoder.encode(data), false);
    }
  }

  /**
   * The runtime: a whole text message arrived as its UTF-8 bytes, already validated
   * (RFC 6455 8.1); a runtime that has the bytes saves a decode for `decode: false` apps.
   */
  receivedText(data: Uint8Array): void {
    if (this.readyState !== WS_OPEN) return;
    if (this.limits.maxPayload !== Infinity && !this.fits(data.byteLength)) return;
    this.call('message', this.handlers.message, this.decode ? decoder.decode(data) : data, false);
  }

  /** Whether a message of `size` bytes is within maxPayload; closes with 1009 when not. */
  private fits(size: number): boolean {
    const limit = this.limits.maxPayload;
    if (size <= limit) return true;
    this.failed(new RangeError(`a message over maxPayload (${limit} bytes) arrived; closing with 1009`));
    this.readyState = WS_CLOSING;
    this.transport.close(1009, 'message too big');
    return false;
  }

  /** The runtime: the connection ended (or never opened: 1006). Reaches the app once. */
  closed(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.readyState = WS_CLOSED;
    this.call('close', this.handlers.close, code, reason);
  }

  /** The runtime: a protocol error, or a handler's. */
  failed(error: unknown): void {
    const handler = this.handlers.error;
    if (handler === undefined) {
      this.errors.write(`tsgi websocket: ${describeError(error)}\n`);
      return;
    }
    try {
      const result = handler(this, error);
      if (result instanceof Promise) result.catch((thrown: unknown) => this.errors.write(`tsgi websocket: the error handler failed: ${describeError(thrown)}\n`));
    } catch (thrown) {
      this.errors.write(`tsgi websocket: the error handler failed: ${describeError(thrown)}\n`);
    }
  }

  /** Calls a handler (fixed arity: no rest array per message). */
  private call(name: string, handler: Handler | undefined, a?: unknown, b?: unknown): void {
    if (handler === undefined) return;
    try {
      const result = (handler as (ws: this, a: unknown, b: unknown) => unknown)(this, a, b);
      if (result instanceof Promise) result.catch((error: unknown) => this.handlerFailed(name, error));
    } catch (error) {
      this.handlerFailed(name, error);
    }
  }

  /** A handler threw: the app failed on this connection, as a 500 ends a request. */
  private handlerFailed(name: string, error: unknown): void {
    this.failed(error instanceof Error ? error : new Error(`the ${name} handler threw ${describeError(error)}`, { cause: error }));
    if (this.readyState === WS_OPEN) {
      this.readyState = WS_CLOSING;
      this.transport.close(1011, 'internal error');
    }
  }
}
