/**
 * `@tsgi/core/gateway`: the kit for code that runs applications rather than writes them:
 * gateways and outputs (`@tsgi/server`, `@tsgi/fetch`, `@tsgi/testing`, `@tsgi/lambda`),
 * host adapters (`@tsgi/adapters`) and checkers (`@tsgi/lint`). It keeps the rules every
 * output must keep written once: the response checks (`ResponseState`), the walk over a
 * body into a sink (`BodyWalk`, `ResponseDriver`, `ResponseSink`), the 500 before the
 * headers, the reason a read fails when the client left, PATH_INFO from a URL path, the
 * `errors` option's forms, and the `tsgi.websocket` handshake and session. Apps and middleware need only the root,
 * `@tsgi/core`.
 *
 * @example
 * import { ResponseDriver } from '@tsgi/core/gateway';
 * class Collector extends ResponseDriver { ... } // only sendHead, sendChunk, sendEnd, sendAbort
 * void new Collector(environ).run(app, environ); // never rejects; settles once the body is closed
 *
 * @see https://peps.python.org/pep-3333/#the-server-gateway-side
 * @module
 */
export { INTERNAL_ERROR, ResponseError, ResponseState, type ResponseRule } from './response-state.js';
export { BodyWalk } from './body-walk.js';
export { ResponseSink } from './response-sink.js';
export { ResponseDriver } from './response-driver.js';
export { readableError } from './describe-error.js';
export { ClientDisconnected } from './client-disconnected.js';
export { decodePathInfo } from './cgi.js';
export { toErrorStream, type ErrorsOption } from './errors-option.js';
export { checkWebSocketRequest, hasToken, type HeaderReader, type WebSocketCheck } from './websocket-handshake.js';
export { WebSocketUpgrade, checkAccept, checkHandlers } from './websocket-upgrade.js';
export { GatewayWebSocket, type SessionLimits, type WebSocketTransport } from './websocket-session.js';
export {
  WEBSOCKET_DEFAULTS,
  resolveWebSocketOptions,
  type ResolvedWebSocketOptions,
  type WebSocketOptions,
} from './websocket-options.js';
