/**
 * lint's checks of the WebSocket extension (`environ['tsgi.websocket']`): the server
 * side, that an offer has its shape and comes only with a GET over HTTP/1.1; the app
 * side, that `accept()` is called once with handler functions and an offered
 * subprotocol. The offer is wrapped for the layers below so lint learns whether it was
 * accepted: `ResponseCheck` lets a 101 through only then (`websocket.status`, core's
 * rule), and refuses body bytes on it (`body.no-content`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1
 * @module
 */
import { type Environ, type WebSocketAcceptOptions, type WebSocketHandlers, type WebSocketOffer } from '@tsgi/core';
import { checkAccept, checkHandlers } from '@tsgi/core/gateway';
import { LintError, show } from './lint-error.js';

/** The offer as the app below lint sees it: the gateway's, with its calls checked. */
export class LintedOffer implements WebSocketOffer {
  accepted = false;

  constructor(private readonly inner: WebSocketOffer) {
    this.accept = this.accept.bind(this);
  }

  get protocols(): readonly string[] {
    return this.inner.protocols;
  }

  accept(handlers: WebSocketHandlers, options?: WebSocketAcceptOptions): void {
    let problem = checkAccept(this, this.accepted, options);
    if (problem !== undefined) throw new LintError('websocket.accept', problem);
    problem = checkHandlers(handlers);
    if (problem !== undefined) throw new LintError('websocket.handlers', problem);
    this.accepted = true;
    this.inner.accept(handlers, options);
  }
}

/** Checks the offer the server passed, if any, and puts the linted one in its place. */
export function lintOffer(environ: Environ): LintedOffer | undefined {
  const offer: unknown = environ['tsgi.websocket'];
  if (offer === undefined) return undefined;
  const shaped = offer as Partial<WebSocketOffer> | null;
  if (
    typeof offer !== 'object' ||
    typeof shaped?.accept !== 'function' ||
    !Array.isArray(shaped.protocols) ||
    shaped.protocols.some((protocol) => typeof protocol !== 'string')
  ) {
    throw new LintError('websocket.offer', `environ['tsgi.websocket'] is ${show(offer)}`);
  }
  if (environ.REQUEST_METHOD !== 'GET' || environ.SERVER_PROTOCOL !== 'HTTP/1.1') {
    throw new LintError('websocket.offer', `a ${environ.REQUEST_METHOD} ${environ.SERVER_PROTOCOL} request has environ['tsgi.websocket']`);
  }
  const linted = new LintedOffer(shaped as WebSocketOffer);
  environ['tsgi.websocket'] = linted;
  return linted;
}
