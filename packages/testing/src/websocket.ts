/**
 * `client.websocket(path, init)`: a WebSocket handshake and connection in memory, no
 * port. The handshake is the gateway's (core's `checkWebSocketRequest` refuses a bad
 * one with 400/426/403, `WebSocketUpgrade` offers a good one through the whole stack
 * under lint), and an accepted 101 gives a connected pair: the app's handlers get
 * core's `GatewayWebSocket` (the rules every gateway keeps: 1009 over `maxPayload`,
 * 1011 when a handler throws, close once), and the test gets a `TestWebSocket`.
 * Any other answer rejects with a `WebSocketRefused` carrying the response.
 *
 * @example
 * const ws = await testClient(app).websocket('/chat', { protocols: ['chat'] });
 * ws.send('hello');
 * expect(await ws.next()).toBe('echo: hello');
 * ws.close();
 * expect(await ws.closed).toEqual({ code: 1000, reason: '' });
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455
 * @module
 */
import { getHeader, type ErrorStream, type ResponseHeaders, type WebSocketMessage } from '@tsgi/core';
import {
  GatewayWebSocket,
  type ResolvedWebSocketOptions,
  type WebSocketTransport,
  type WebSocketUpgrade,
} from '@tsgi/core/gateway';
import type { RequestInit } from './test-environ.js';

/** What `client.websocket()` sends: a request's init, and the subprotocols to offer. */
export interface WebSocketInit extends Omit<RequestInit, 'body' | 'json'> {
  /** `Sec-WebSocket-Protocol`, in order of preference. @default [] */
  protocols?: string[];
}

/** The handshake did not end in 101: the status and body the client got instead. */
export class WebSocketRefused extends Error {
  override name = 'WebSocketRefused';
  constructor(
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly text: string,
  ) {
    super(`the WebSocket handshake was answered ${status}, not 101: ${text.trim()}`);
  }
  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }
}

/** The close the client saw: the code and reason of the server's close frame (1006: cut). */
export interface CloseEvent {
  code: number;
  reason: string;
}

const copy = (data: WebSocketMessage): WebSocketMessage => (typeof data === 'string' ? data : data.slice());

/** The client's end of an in-memory connection. */
export class TestWebSocket {
  /** Every message the server sent, in order. */
  readonly messages: WebSocketMessage[] = [];
  /** Resolves once the connection closed, with the code and reason. */
  readonly closed: Promise<CloseEvent>;
  private read = 0;
  private waiting: { resolve: (data: WebSocketMessage) => void; reject: (error: Error) => void } | undefined = undefined;
  private closeEvent: CloseEvent | undefined = undefined;
  private resolveClosed!: (event: CloseEvent) => void;
  /** The server's side, set by `connect()`. */
  server!: GatewayWebSocket;

  constructor(
    /** The subprotocol the server chose, or ''. */
    readonly protocol: string,
    /** The 101's headers (the app's and its middleware's). */
    readonly headers: ResponseHeaders,
    private readonly timeout: number,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** The first value of a 101 header. */
  header(name: string): string | undefined {
    return getHeader(this.headers, name);
  }

  /** Sends a message to the server; throws once the connection closed. */
  send(data: WebSocketMessage): void {
    if (this.closeEvent !== undefined) throw new Error(`TestWebSocket.send(): the connection closed (${this.closeEvent.code})`);
    const sent = copy(data);
    // As over a network: the server gets it on a later turn, in order.
    setImmediate(() => this.server.received(sent));
  }

  /** Closes from the client's side; the server's close handler gets the code and reason. */
  close(code = 1000, reason = ''): void {
    if (this.closeEvent !== undefined) return;
    setImmediate(() => this.end(code, reason));
  }

  /** The next message the server sent (waits for it); rejects if the connection closes first. */
  next(): Promise<WebSocketMessage> {
    if (this.read < this.messages.length) return Promise.resolve(this.messages[this.read++]!);
    if (this.closeEvent !== undefined) return Promise.reject(new Error(`TestWebSocket.next(): the connection closed (${this.closeEvent.code} ${this.closeEvent.reason})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`TestWebSocket.next(): no message within ${this.timeout} ms`));
      }, this.timeout);
      this.waiting = {
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  /** The server sent a message. */
  deliver(data: WebSocketMessage): void {
    this.messages.push(data);
    const waiting = this.waiting;
    if (waiting === undefined) return;
    this.waiting = undefined;
    this.read++;
    waiting.resolve(data);
  }

  /** Both sides learn the connection ended (once). */
  end(code: number, reason: string): void {
    if (this.closeEvent !== undefined) return;
    this.closeEvent = { code, reason };
    this.waiting?.reject(new Error(`TestWebSocket.next(): the connection closed (${code} ${reason})`));
    this.waiting = undefined;
    this.resolveClosed(this.closeEvent);
    this.server.closed(code, reason);
  }
}

/** Joins the app's side (core's session) and the test's side of an accepted handshake. */
export function connect(upgrade: WebSocketUpgrade, headers: ResponseHeaders, settings: ResolvedWebSocketOptions, errors: ErrorStream, timeout: number): TestWebSocket {
  const client = new TestWebSocket(upgrade.protocol, headers, timeout);
  const transport: WebSocketTransport = {
    send(data) {
      client.deliver(copy(data));
      return undefined;
    },
    // The client answers a close frame at once, echoing its code.
    close: (code, reason) => setImmediate(() => client.end(code, reason)),
    terminate: () => client.end(1006, ''),
    bufferedAmount: 0,
  };
  client.server = new GatewayWebSocket(transport, upgrade.handlers!, upgrade.protocol, settings, errors, upgrade.decode);
  client.server.opened();
  return client;
}
