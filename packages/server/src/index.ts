export { serve, type ServeOptions, type Served } from './serve.js';
export { toNodeListener, type ListenerOptions, type NodeListener } from './listener.js';
export { FILE_BODY, FileBody, fileWrapper, isFileBody } from './file-wrapper.js';
export { toErrorStream, type ErrorsOption } from './errors-stream.js';
export { LIMIT_DEFAULTS, resolveLimits, type Limits, type LimitsOptions } from './limits.js';
export { clientErrorListener, type OnReject, type RejectInfo } from './reject.js';
