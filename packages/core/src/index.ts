/**
 * `@tsgi/core`: the contract (types, `compose`) and what application and middleware authors
 * use. The kit for code that runs applications (gateways, outputs, adapters, checkers) is
 * the subpath `@tsgi/core/gateway`.
 *
 * @module
 */
export type {
  Application,
  Body,
  ClientConnection,
  Environ,
  ErrorStream,
  FileRange,
  FileWrapper,
  InputStream,
  Middleware,
  ResponseHeaders,
  StartResponse,
  Write,
} from './types.js';
export { compose } from './compose.js';
export { applicationUri, requestUri, shiftPathInfo } from './util.js';
export { normalizeOrigin } from './origin.js';
export { REASON_PHRASES, isNoContentStatus, statusCode, statusLine } from './status.js';
export {
  HOP_BY_HOP_HEADERS,
  appendHeaderToken,
  appendHeaders,
  checkHeaders,
  checkStatus,
  getHeader,
  getHeaders,
  hasHeader,
  headerNameIs,
  isToken,
  isValidHeaderValue,
  removeHeader,
  setHeader,
} from './headers.js';
export { HttpError, isHttpError, type HttpErrorOptions } from './errors.js';
export { shareInstanceof } from './brand.js';
export { ConnectionAbort, isConnectionAbort } from './connection-abort.js';
export { OPAQUE_VALUE, describeError, type DescribeErrorOptions } from './describe-error.js';
export { readBody, type ReadBodyOptions } from './read-body.js';
export { arrayBodyLength, closeBody, hookClose, onClose, type CloseHook } from './body.js';
export { checkBody, checkChunk, isAsyncBody } from './body-check.js';
export { isPromise } from './promise.js';
export { DISCARD, wrapResponse, type ResponseHead, type ResponseHooks } from './response-wrapper.js';
export { isClientDisconnected } from './client-disconnected.js';
export { PullInputStream, concatBytes } from './input-stream.js';
export { environKey, requestHeaderName } from './cgi.js';
export { quotePath, rawRequestPath } from './quote-path.js';
export { decodeNative, encodeNative, isNativeString, nativeBytes, type DecodeNativeOptions } from './native-string.js';
export { nodeBuiltin } from './runtime.js';
export { Deadline, Deadlines } from './deadlines.js';
export {
  WEBSOCKET_KEY,
  WS_CLOSED,
  WS_CLOSING,
  WS_CONNECTING,
  WS_OPEN,
  type WebSocketAcceptOptions,
  type WebSocketConnection,
  type WebSocketHandlers,
  type WebSocketMessage,
  type WebSocketOffer,
  type WebSocketSendOptions,
} from './websocket.js';
