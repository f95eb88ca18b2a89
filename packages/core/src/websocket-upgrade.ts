/**
 * The gateway's half of the WebSocket handshake, kept once for every gateway: the
 * `WebSocketOffer` it puts in the environ, the `startResponse` it gives the app in
 * place of its own, which keeps a `101 Switching Protocols` that follows `accept()`
 * instead of sending it and passes every other status on (a refusal is an ordinary
 * response), and `run()`, the handshake's call of the app: once the app returned, a
 * 101 switches after its body settled (it must be empty, and it is closed, so an
 * access log below writes its line); anything else (a refusal, the app's error, bytes
 * on the 101) is the gateway's response driver's to send. Each gateway gives `run()`
 * only its own parts: its driver, and how it switches the connection (adding
 * `headers`, the app's and its middleware's without the ones it writes, to its 101).
 *
 * A 101 anywhere else is refused by core's `ResponseState` (`websocket.status`).
 *
 * @example
 * const upgrade = new WebSocketUpgrade(check.protocols);
 * return upgrade.run(app, environ, {
 *   driver: writer, // the gateway's ResponseDriver
 *   switchProtocols: () => switchConnection(upgrade.handlers!, upgrade.protocol, upgrade.headers),
 * });
 *
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2
 * @module
 */
import { BodyWalk } from './body-walk.js';
import { checkBody, describeValue } from './body-check.js';
import { isPromise } from './promise.js';
import { ResponseError, ResponseState } from './response-state.js';
import type { Application, Body, Environ, ResponseHeaders, StartResponse, Write } from './types.js';
import { WEBSOCKET_KEY, type WebSocketAcceptOptions, type WebSocketHandlers, type WebSocketOffer } from './websocket.js';

const HANDLER_NAMES = ['open', 'message', 'close', 'error'] as const;

/** Headers the gateway writes on a 101 itself, or that have no place on it. */
function gatewayOwned(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('sec-websocket-') || lower === 'content-length' || lower === 'content-type';
}

/**
 * Why `handlers` is not a handlers object, or undefined. Shared with lint, so the
 * gateway and lint refuse the same shapes with the same words.
 */
export function checkHandlers(handlers: unknown): string | undefined {
  if (typeof handlers !== 'object' || handlers === null) {
    return `accept(handlers) takes an object of handler functions, got ${describeValue(handlers)}`;
  }
  for (const name of HANDLER_NAMES) {
    const handler = (handlers as Record<string, unknown>)[name];
    if (handler !== undefined && typeof handler !== 'function') {
      return `the ${name} handler must be a function (ws, ...) => void, got ${describeValue(handler)}`;
    }
  }
  return undefined;
}

/** Why `accept()` may not take these arguments now, or undefined. */
export function checkAccept(offer: WebSocketOffer, accepted: boolean, options: unknown): string | undefined {
  if (accepted) return 'accept() was called a second time; a connection has one set of handlers';
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) return `accept()'s options must be an object, got ${describeValue(options)}`;
  const { protocol, decode } = options as WebSocketAcceptOptions;
  if (decode !== undefined && typeof decode !== 'boolean') return `accept({ decode }) takes a boolean, got ${describeValue(decode)}`;
  if (protocol !== undefined && !offer.protocols.includes(protocol)) {
    return `accept({ protocol: ${describeValue(protocol)} }) names a subprotocol the client did not offer (offered: ${JSON.stringify(offer.protocols)})`;
  }
  return undefined;
}

/** What a gateway gives `WebSocketUpgrade.run()`: its own parts of the handshake. */
export interface HandshakeParts {
  /**
   * The gateway's response driver (core's `ResponseDriver`): a refusal's status goes to
   * its `startResponse`, then its body to `respond`; the app's error to `fail`. Neither
   * rejects.
   */
  readonly driver: {
    readonly startResponse: StartResponse;
    respond(body: Body): void | Promise<void>;
    fail(error: unknown): void | Promise<void>;
  };
  /** The app answered 101 after accept() and its body settled empty (and closed): switch the connection. */
  switchProtocols(body: Body): void | Promise<void>;
  /** The app returned a Promise: the answer outlives the call (the server watches for the client leaving meanwhile). */
  pending?(): void;
}

/** One handshake's offer and its 101; see the module comment. */
export class WebSocketUpgrade implements WebSocketOffer {
  /** The handlers given to `accept()`, once it was called. */
  handlers: WebSocketHandlers | undefined = undefined;
  /** The subprotocol chosen, or ''. */
  protocol = '';
  /** Text messages reach the app as strings (accept's `decode`). */
  decode = true;
  /** The app's 101 headers the gateway adds to its own, once the app answered 101. */
  headers: ResponseHeaders = [];
  /** The app answered 101 after accept(): the gateway switches once the body settles. */
  switching = false;
  /** startResponse was called (a 101 kept here, or any status passed on). */
  private started = false;

  constructor(readonly protocols: readonly string[]) {
    this.accept = this.accept.bind(this);
  }

  accept(handlers: WebSocketHandlers, options?: WebSocketAcceptOptions): void {
    let problem = checkAccept(this, this.handlers !== undefined, options);
    if (problem !== undefined) throw new ResponseError('websocket.accept', problem);
    problem = checkHandlers(handlers);
    if (problem !== undefined) throw new ResponseError('websocket.handlers', problem);
    this.handlers = handlers;
    this.protocol = options?.protocol ?? '';
    this.decode = options?.decode ?? true;
  }

  /** The app's startResponse: a 101 after accept() stays here, anything else goes to `inner`. */
  startResponse(inner: StartResponse): StartResponse {
    return (status, headers, excInfo) => {
      const failing = excInfo !== undefined && excInfo !== null;
      if (this.started && !failing) {
        throw new ResponseError('start-response.twice', `startResponse(${JSON.stringify(status)}) was called a second time without excInfo`);
      }
      if (typeof status === 'string' && status.startsWith('101')) {
        // The rules every status keeps, and the extension's: a 101 only after accept().
        const state = new ResponseState(false);
        state.switchAllowed = this.handlers !== undefined;
        state.checkStart(status, headers, excInfo);
        this.started = true;
        this.switching = true;
        this.headers = headers.filter(([name]) => !gatewayOwned(name));
        return this.write;
      }
      this.started = true;
      this.switching = false;
      return inner(status, headers, excInfo);
    };
  }

  /**
   * Calls `app` with this offer in `environ[WEBSOCKET_KEY]`, as the driver's `run`
   * would, and answers: a 101 after accept() switches (`parts.switchProtocols`) once
   * its body settled; any other answer is the driver's, its status already given to
   * the driver's `startResponse` (an excInfo call that replaced the 101 while its body
   * ran is answered with an empty body, the body being walked). An error (the app's,
   * body bytes on the 101, or the switch's own) goes to the driver's `fail`: a 500,
   * as nothing went out yet. The Promise, when there is one, never rejects.
   */
  run(app: Application, environ: Environ, parts: HandshakeParts): void | Promise<void> {
    environ[WEBSOCKET_KEY] = this;
    const driver = parts.driver;
    let result: Body | PromiseLike<Body>;
    try {
      result = app(environ, this.startResponse(driver.startResponse));
      // Inside the try: asking for `then` runs a getter (or a Proxy trap) of the app's.
      if (isPromise<Body>(result)) {
        parts.pending?.();
        return Promise.resolve(result).then(
          (body) => this.answer(body, parts),
          (error: unknown) => driver.fail(error),
        );
      }
    } catch (error) {
      return driver.fail(error);
    }
    return this.answer(result, parts);
  }

  /** The app returned `body`: a 101 switches once the body settled; anything else is the driver's. */
  private answer(body: Body, parts: HandshakeParts): void | Promise<void> {
    const driver = parts.driver;
    if (!this.switching) return driver.respond(body);
    return this.settle(body)
      .then((switching) => (switching ? parts.switchProtocols(body) : driver.respond([])))
      .then(undefined, (error: unknown) => driver.fail(error));
  }

  private readonly write: Write = (chunk) => {
    if (!(chunk instanceof Uint8Array)) throw new ResponseError('write.type', `write() takes a Uint8Array, got ${describeValue(chunk)}`);
    if (chunk.byteLength > 0) throw new ResponseError('body.no-content', `a 101 Switching Protocols response got ${chunk.byteLength} body bytes`);
  };

  /**
   * Once the app returned its body: false when it did not answer 101 (the gateway sends
   * the body as usual); true after walking the 101's body (it must hold no bytes) and
   * closing it. Throws the app's error, or a `ResponseError` for body bytes.
   */
  async settle(body: Body): Promise<boolean> {
    if (!this.switching) return false;
    const problem = checkBody(body);
    if (problem !== undefined) throw new TypeError(problem);
    const walk = new BodyWalk(body);
    try {
      for (;;) {
        const step = await walk.next();
        if (step.done === true) break;
        this.write(step.value);
      }
    } finally {
      await walk.close();
    }
    // An excInfo call may have replaced the 101 while the body ran.
    return this.switching;
  }
}
