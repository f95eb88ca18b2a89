export { toFetch, type FetchHandler, type ToFetchOptions } from './to-fetch.js';
export { fromFetch, buildRequest, startFetchResponse, type RequestHandler } from './from-fetch.js';
export { requestEnviron, consoleErrors } from './fetch-environ.js';
export { StreamInput } from './stream-input.js';
export { bunWebSocket } from './websocket-runtimes.js';
