/**
 * `toFetch`'s side of the WebSocket extension: on a runtime that can switch a request
 * (websocket-runtimes.ts), a valid handshake gets `environ['tsgi.websocket']` (core's
 * `WebSocketUpgrade`) and goes through the whole stack like any request; a bad one is
 * refused before the app (400, 426, 403: core's `checkWebSocketRequest`, the rules
 * every gateway keeps). When the app accepted and answered 101, the runtime switches
 * and its socket feeds core's `GatewayWebSocket`; any other answer is sent as usual.
 *
 * @example
 * const sockets = new FetchWebSockets(resolveWebSocketOptions('toFetch', options.websocket), errors);
 * const upgrade = sockets.offer(request, rest, environ); // Response: refused; undefined: no offer
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2
 * @module
 */
import { type Body, type Environ, type StartResponse } from '@tsgi/core';
import {
  GatewayWebSocket,
  WebSocketUpgrade,
  checkWebSocketRequest,
  type ResolvedWebSocketOptions,
} from '@tsgi/core/gateway';
import { runtimeSwitch, type Switch } from './websocket-runtimes.js';

/** One handshake offered to the app, and how the runtime switches if it accepts. */
export class FetchUpgrade {
  readonly upgrade: WebSocketUpgrade;

  constructor(
    protocols: string[],
    private readonly runtime: Switch,
    private readonly settings: ResolvedWebSocketOptions,
    private readonly environ: Environ,
  ) {
    this.upgrade = new WebSocketUpgrade(protocols);
    environ['tsgi.websocket'] = this.upgrade;
  }

  startResponse(inner: StartResponse): StartResponse {
    return this.upgrade.startResponse(inner);
  }

  get switching(): boolean {
    return this.upgrade.switching;
  }

  /** The app answered 101: settles its body, then the runtime's answer (undefined on Bun); false if it did not switch after all. */
  async switchProtocols(body: Body, request: Request): Promise<Response | undefined | false> {
    const { upgrade, settings } = this;
    if (!(await upgrade.settle(body))) return false;
    const errors = this.environ['wsgi.errors'];
    return this.runtime(request, upgrade.protocol, upgrade.headers, (transport) => new GatewayWebSocket(transport, upgrade.handlers!, upgrade.protocol, settings, errors, upgrade.decode));
  }
}

export class FetchWebSockets {
  constructor(readonly settings: ResolvedWebSocketOptions) {}

  /** For one request: a refusal Response, the upgrade to offer, or undefined (none). */
  offer(request: Request, rest: unknown[], environ: Environ): Response | FetchUpgrade | undefined {
    // Most requests stop at this header look-up.
    if (request.headers.get('upgrade') === null) return undefined;
    const runtime = runtimeSwitch(rest, this.settings);
    if (runtime === undefined) return undefined;
    const check = checkWebSocketRequest(request.method, 'HTTP/1.1', (name) => request.headers.get(name), this.settings);
    if (check.kind === 'none') return undefined;
    if (check.kind === 'refuse') {
      return new Response(check.reason + '\n', { status: check.status, headers: [...check.headers, ['Content-Type', 'text/plain; charset=utf-8']] });
    }
    return new FetchUpgrade(check.protocols, runtime, this.settings, environ);
  }
}
