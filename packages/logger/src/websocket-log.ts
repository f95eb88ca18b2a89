/**
 * The access log's view of a WebSocket connection. The handshake is logged once, with
 * status 101; a format that reads the duration (`json`, a custom function) waits for
 * the connection to close and gets its whole life: `duration` until the close,
 * `bytes` the message bytes sent to the client, and `websocket` the close code and
 * the message bytes received. The Apache formats log the handshake as it answers.
 *
 * It wraps the offer in the environ for the layers below, and through `accept()` the
 * app's handlers, which then get a connection that counts what is sent.
 *
 * @example
 * const watch = watchWebSocket(environ); // undefined without an offer
 * if (watch?.holds(onEnd)) return; // the line waits for the connection
 *
 * @see https://nginx.org/en/docs/http/websocket.html (nginx logs a WebSocket once, at its end)
 * @module
 */
import type { Environ, WebSocketAcceptOptions, WebSocketConnection, WebSocketHandlers, WebSocketMessage, WebSocketOffer, WebSocketSendOptions } from '@tsgi/core';

/** What a JSON line adds for a WebSocket: how it closed and the bytes received. */
export interface WebSocketLogInfo {
  readonly code: number;
  readonly received: number;
}

/** UTF-8 byte length of a string, without encoding it. */
function byteLength(data: WebSocketMessage): number {
  if (typeof data !== 'string') return data.byteLength;
  let n = data.length;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** The connection the app's handlers get: the gateway's, counting what is sent. */
class CountingConnection implements WebSocketConnection {
  constructor(
    private readonly inner: WebSocketConnection,
    private readonly watch: WebSocketWatch,
  ) {}
  get protocol(): string {
    return this.inner.protocol;
  }
  get readyState(): number {
    return this.inner.readyState;
  }
  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }
  send(data: WebSocketMessage, options?: WebSocketSendOptions): Promise<void> {
    const sent = this.inner.send(data, options);
    if (this.inner.readyState === 1) this.watch.sent += byteLength(data);
    return sent;
  }
  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }
}

export class WebSocketWatch implements WebSocketOffer, WebSocketLogInfo {
  accepted = false;
  ended = false;
  sent = 0;
  received = 0;
  code = 0;
  private connection: CountingConnection | undefined = undefined;
  private onEnd: (() => void) | undefined = undefined;

  constructor(private readonly inner: WebSocketOffer) {
    this.accept = this.accept.bind(this);
  }

  get protocols(): readonly string[] {
    return this.inner.protocols;
  }

  accept(handlers: WebSocketHandlers, options?: WebSocketAcceptOptions): void {
    const wrap = (ws: WebSocketConnection): CountingConnection => (this.connection ??= new CountingConnection(ws, this));
    const { open, message, close, error } = handlers ?? {};
    this.inner.accept(
      {
        open: open && ((ws) => open.call(handlers, wrap(ws))),
        message: (ws, data, binary) => {
          this.received += byteLength(data);
          return message?.call(handlers, wrap(ws), data, binary);
        },
        close: (ws, code, reason) => {
          this.code = code;
          this.ended = true;
          try {
            return close?.call(handlers, wrap(ws), code, reason);
          } finally {
            this.onEnd?.();
          }
        },
        error: error && ((ws, thrown) => error.call(handlers, wrap(ws), thrown)),
      },
      options,
    );
    this.accepted = true;
  }

  /** For a 101 to an accepted offer: calls `onEnd` when the connection closes (true), else false. */
  holds(onEnd: () => void): boolean {
    if (!this.accepted || this.ended) return false;
    this.onEnd = onEnd;
    return true;
  }
}

/** Puts a watch in place of the environ's offer, if there is one. */
export function watchWebSocket(environ: Environ): WebSocketWatch | undefined {
  const offer = environ['tsgi.websocket'];
  if (offer === undefined) return undefined;
  const watch = new WebSocketWatch(offer);
  environ['tsgi.websocket'] = watch;
  return watch;
}
