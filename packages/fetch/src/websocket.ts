/**
 * `toFetch`'s side of the WebSocket extension: on a runtime that can switch a request
 * (websocket-runtimes.ts), a valid handshake gets `environ['tsgi.websocket']` (core's
 * `WebSocketUpgrade`) and goes through the whole stack like any request; a bad one is
 * refused before the app (400, 426, 403: core's `checkWebSocketRequest`, the rules
 * every gateway keeps). When the app accepted and answered 101, the runtime switches
 * and its socket feeds core's `GatewayWebSocket`; any other answer is sent as usual.
 *
 * @example
 * const sockets = new FetchWebSockets(resolveWebSocketOptions('toFetch', options.websocket));
 * const upgrade = sockets.offer(request, rest); // Response: refused; undefined: no offer
 * if (upgrade instanceof FetchUpgrade) return exchange.answer(upgrade.run(app, environ, exchange, request));
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2
 * @module
 */
import { type Application, type Environ } from '@tsgi/core';
import {
  GatewayWebSocket,
  WebSocketUpgrade,
  checkWebSocketRequest,
  type ResolvedWebSocketOptions,
  type WebSocketTransport,
} from '@tsgi/core/gateway';
import type { FetchExchange } from './fetch-exchange.js';
import { runtimeSwitch, type Switch } from './websocket-runtimes.js';

/** One handshake offered to the app, and how the runtime switches if it accepts. */
export class FetchUpgrade {
  readonly upgrade: WebSocketUpgrade;

  constructor(
    protocols: string[],
    private readonly runtime: Switch,
    private readonly settings: ResolvedWebSocketOptions,
  ) {
    this.upgrade = new WebSocketUpgrade(protocols);
  }

  /**
   * Calls the app with the offer (core's handshake): on an accepted 101 the runtime
   * switches and its answer goes to `exchange.switched`; any other answer is the
   * exchange's. Never rejects.
   */
  run(app: Application, environ: Environ, exchange: FetchExchange, request: Request): void | Promise<void> {
    const { upgrade, settings } = this;
    return upgrade.run(app, environ, {
      driver: exchange,
      switchProtocols: () => {
        const errors = environ['wsgi.errors'];
        const make = (transport: WebSocketTransport): GatewayWebSocket =>
          new GatewayWebSocket(transport, upgrade.handlers!, upgrade.protocol, settings, errors, upgrade.decode);
        exchange.switched = { response: this.runtime(request, upgrade.protocol, upgrade.headers, make) };
      },
    });
  }
}

export class FetchWebSockets {
  constructor(readonly settings: ResolvedWebSocketOptions) {}

  /** For one request: a refusal Response, the upgrade to offer, or undefined (none). */
  offer(request: Request, rest: unknown[]): Response | FetchUpgrade | undefined {
    // Most requests stop at this header look-up.
    if (request.headers.get('upgrade') === null) return undefined;
    const runtime = runtimeSwitch(rest, this.settings);
    if (runtime === undefined) return undefined;
    const check = checkWebSocketRequest(request.method, 'HTTP/1.1', (name) => request.headers.get(name), this.settings);
    if (check.kind === 'none') return undefined;
    if (check.kind === 'refuse') {
      return new Response(check.reason + '\n', { status: check.status, headers: [...check.headers, ['Content-Type', 'text/plain; charset=utf-8']] });
    }
    return new FetchUpgrade(check.protocols, runtime, this.settings);
  }
}
