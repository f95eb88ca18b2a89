export { serve, type ServeOptions, type Served } from './serve.js';
export { toNodeListener, type ListenerOptions, type NodeListener } from './listener.js';
export { FILE_BODY, FileBody, fileWrapper, isFileBody } from './file-wrapper.js';
export { toErrorStream, type ErrorsOption } from './errors-stream.js';
export { LIMIT_DEFAULTS, resolveLimits, type Limits, type LimitsOptions } from './limits.js';
export { clientErrorListener, type OnReject, type RejectInfo } from './reject.js';
export { fromNodeListener, type FromNodeListenerOptions, type NodeRequestListener } from './from-node-listener.js';
// For adapters that run tsgi middleware inside a host's own (req, res) stack (@tsgi/adapters).
export { buildEnviron, type EnvironConfig } from './environ.js';
export { resolveListenerOptions } from './listener.js';
export { NodeResponseWriter } from './response.js';
