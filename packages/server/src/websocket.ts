/**
 * WebSocket on `serve()`: the node:http `'upgrade'` listener. A valid handshake
 * (core's `checkWebSocketRequest`) goes through the normal listener with
 * `environ['tsgi.websocket']` set, so the whole stack runs (auth may answer 401, the
 * access log sees it); a bad one is refused before the app (400, 426, 403 for an
 * origin off the allow-list) and reported to `onReject`; any other upgrade request is
 * served as an ordinary request. When the app accepted and answered 101, the `ws`
 * package (in noServer mode: it passes the Autobahn suite, tsgi parses no frames)
 * writes the 101 with the app's headers and runs the connection; core's
 * `GatewayWebSocket` keeps the rules the app sees.
 *
 * The gateway pings every `pingInterval` ms and drops a peer that missed the last
 * pong; frames over `maxPayload` close with 1009 (ws's own check); at shutdown, once
 * the drain timeout passed, every socket gets 1001 and is cut a second later.
 *
 * @example
 * const sockets = new NodeWebSockets(resolveWebSocketOptions('serve', options.websocket), listener, options.onReject);
 * server.on('upgrade', sockets.onUpgrade);
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455
 * @see https://github.com/websockets/ws/blob/master/doc/ws.md#serverhandleupgraderequest-socket-head-callback
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type Application,
  type Environ,
  type ErrorStream,
  type WebSocketMessage,
} from '@tsgi/core';
import {
  GatewayWebSocket,
  WebSocketUpgrade,
  checkWebSocketRequest,
  type ResolvedWebSocketOptions,
  type WebSocketTransport,
} from '@tsgi/core/gateway';
// Types only: `ws` is loaded on the first upgrade, so a server that never switches a
// connection does not carry it (about 8-12 MB of idle RSS).
import type { WebSocket, WebSocketServer } from 'ws';
import type { NodeListener } from './listener.js';
import { rejectResponse, type OnReject } from './reject.js';
import type { NodeResponseWriter } from './response.js';
import { bodyRequest, rawResponse } from './upgrade-request.js';

const kUpgrade = Symbol('tsgi.websocket_upgrade');
type UpgradeRequest = IncomingMessage & { [kUpgrade]?: NodeUpgrade };
/** ws's send options for UTF-8 bytes sent as a text frame (one object, not one a message). */
const TEXT = Object.freeze({ binary: false });
/** How long sockets told 1001 at shutdown get to finish the closing handshake. */
const CLOSE_GRACE_MS = 1000;

/** The handshake in progress on `req`, set for the listener by the upgrade listener. */
export function upgradeOf(req: IncomingMessage): NodeUpgrade | undefined {
  return (req as UpgradeRequest)[kUpgrade];
}

/** ws's send, close and buffer as core's transport; `ws` is set once the 101 went out. */
class NodeTransport implements WebSocketTransport {
  ws: WebSocket | undefined = undefined;
  /** Sends waiting for the socket to drain, and that drain's Promise. */
  private drained: Promise<void> | undefined = undefined;

  send(data: WebSocketMessage): Promise<void> | undefined {
    // No callback per message (a write callback costs more than the frame): a message
    // the socket took at once is sent; the others wait for one 'drain' together.
    this.ws!.send(data);
    return this.ws!.bufferedAmount === 0 ? undefined : this.drain();
  }
  sendText(data: Uint8Array): Promise<void> | undefined {
    this.ws!.send(data, TEXT);
    return this.ws!.bufferedAmount === 0 ? undefined : this.drain();
  }
  private drain(): Promise<void> {
    return (this.drained ??= new Promise<void>((resolve) => {
      const socket = (this.ws as unknown as { _socket?: Duplex })._socket;
      const done = (): void => {
        this.drained = undefined;
        socket?.off('drain', done).off('close', done);
        resolve();
      };
      if (socket === undefined || socket.destroyed) done();
      else socket.once('drain', done).once('close', done);
    }));
  }
  close(code: number, reason: string): void {
    this.ws?.close(code, reason);
  }
  terminate(): void {
    this.ws?.terminate();
  }
  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }
}

/** One handshake as the listener drives it: the offer in the environ, and the answer. */
export class NodeUpgrade {
  readonly offer: WebSocketUpgrade;
  errors: ErrorStream | undefined = undefined;

  constructor(
    private readonly sockets: NodeWebSockets,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly socket: Duplex,
    readonly head: Buffer,
    protocols: string[],
  ) {
    this.offer = new WebSocketUpgrade(protocols);
  }

  /**
   * Calls the app with the offer in its environ (core's handshake): a 101 after
   * accept() switches, any other answer is the writer's. Never rejects.
   */
  run(app: Application, environ: Environ, writer: NodeResponseWriter): void | Promise<void> {
    this.errors = environ['wsgi.errors'];
    return this.offer.run(app, environ, {
      driver: writer,
      switchProtocols: () => this.sockets.switch(this),
      pending: () => writer.watchClose(),
    });
  }
}

/** The `'upgrade'` listener of one server and the connections it switched. */
export class NodeWebSockets {
  /** ws's server in noServer mode, made on the first 101 (see `server()`). */
  private wss: WebSocketServer | undefined = undefined;
  private loading: Promise<WebSocketServer> | undefined = undefined;
  /** Open connections, each with whether it answered the last ping. */
  private readonly live = new Map<WebSocket, { alive: boolean }>();
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly settings: ResolvedWebSocketOptions,
    private readonly listener: NodeListener,
    private readonly onReject: OnReject | undefined,
  ) {}

  /** ws's server: loaded and made once, when the first connection switches. */
  private server(): Promise<WebSocketServer> {
    return (this.loading ??= import('ws').then((ws) => {
      const settings = this.settings;
      const wss = new ws.WebSocketServer({
        noServer: true,
        clientTracking: false,
        maxPayload: settings.maxPayload,
        perMessageDeflate: settings.perMessageDeflate,
        handleProtocols: (_offered, req) => upgradeOf(req)?.offer.protocol || false,
      });
      // The app's and its middleware's headers go on ws's 101.
      wss.on('headers', (lines: string[], req: IncomingMessage) => {
        for (const [name, value] of upgradeOf(req)?.offer.headers ?? []) lines.push(`${name}: ${value}`);
      });
      return (this.wss = wss);
    }));
  }

  /** node:http's `'upgrade'` event. */
  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A server that is closing offers nothing new: the request is an ordinary one.
    const server = (req.socket as { server?: Server }).server;
    const check =
      server !== undefined && !server.listening
        ? ({ kind: 'none' } as const)
        : checkWebSocketRequest(req.method ?? '', `HTTP/${req.httpVersion}`, (name) => req.headers[name] as string | undefined, this.settings);
    const plain = check.kind === 'none' ? bodyRequest(req, socket, head) : req;
    const res = rawResponse(plain ?? req, socket);
    if (check.kind === 'refuse') {
      rejectResponse(req, res, check.status, check.reason, this.onReject, check.headers);
    } else if (plain === undefined) {
      rejectResponse(req, res, 501, 'chunked body on an Upgrade request', this.onReject);
    } else {
      if (check.kind === 'offer') (req as UpgradeRequest)[kUpgrade] = new NodeUpgrade(this, req, res, socket, head, check.protocols);
      this.listener(plain, res);
    }
  };

  /** The app answered 101: hands the socket to ws and runs the connection. */
  switch(upgrade: NodeUpgrade): void {
    const { res, socket, offer } = upgrade;
    const transport = new NodeTransport();
    const errors = upgrade.errors!;
    const limits = { maxPayload: Infinity, maxBufferedAmount: this.settings.maxBufferedAmount };
    const session = new GatewayWebSocket(transport, offer.handlers!, offer.protocol, limits, errors, offer.decode);
    res.detachSocket(socket as never);
    const wss = this.wss;
    if (wss !== undefined) return this.handOver(wss, upgrade, transport, session);
    this.server().then(
      (loaded) => this.handOver(loaded, upgrade, transport, session),
      (error: unknown) => {
        socket.destroy();
        session.failed(error);
        session.closed(1006, '');
      },
    );
  }

  private handOver(wss: WebSocketServer, upgrade: NodeUpgrade, transport: NodeTransport, session: GatewayWebSocket): void {
    const { req, socket, head, offer } = upgrade;
    if (!socket.readable || !socket.writable) {
      // The client left during the handshake: no open, but close, once.
      socket.destroy();
      session.closed(1006, '');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      transport.ws = ws;
      const entry = { alive: true };
      this.live.set(ws, entry);
      // Every listener here returns undefined, on purpose: node's emit() hands a listener's
      // non-nullish result to addCatch(), and once any listener in the process did, the
      // optimized emit() can no longer call listeners directly (each emit pays a
      // Reflect.apply through CallWithArrayLike; ~300 instructions a message, callgrind).
      // ws validated a text message's UTF-8; a `decode: false` app gets those bytes as they are.
      ws.on(
        'message',
        offer.decode
          ? (data: Buffer, binary: boolean): void => session.received(binary ? data : data.toString())
          : (data: Buffer, binary: boolean): void => (binary ? session.received(data) : session.receivedText(data)),
      );
      ws.on('pong', () => {
        entry.alive = true;
      });
      ws.on('error', (error) => session.failed(error));
      ws.on('close', (code: number, reason: Buffer) => {
        this.live.delete(ws);
        session.closed(code, reason.toString());
      });
      this.keepalive();
      session.opened();
    });
  }

  /** Open connections. */
  get size(): number {
    return this.live.size;
  }

  /** Shutdown: 1001 to every connection, cut the ones still open a second later. */
  goingAway(): void {
    for (const ws of this.live.keys()) if (ws.readyState === ws.OPEN) ws.close(1001, 'server going away');
    if (this.live.size === 0) return;
    setTimeout(() => {
      for (const ws of this.live.keys()) ws.terminate();
    }, CLOSE_GRACE_MS).unref();
  }

  private keepalive(): void {
    const interval = this.settings.pingInterval;
    if (this.timer !== undefined || interval === 0 || interval === Infinity) return;
    this.timer = setInterval(() => {
      for (const [ws, entry] of this.live) {
        if (!entry.alive) ws.terminate();
        else if (ws.readyState === ws.OPEN) {
          entry.alive = false;
          ws.ping();
        }
      }
      if (this.live.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, interval);
    this.timer.unref();
  }
}
