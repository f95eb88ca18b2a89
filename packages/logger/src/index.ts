export { accessLog, flushAccessLogs, type AccessLogMiddleware, type AccessLogOptions } from './access-log.js';
export { rejectLog, type RefusedRequest, type RejectLogOptions } from './reject-log.js';
export { FORMATS, formatCombined, formatCommon, formatJson, type LogFormat, type LogInfo, type Outcome } from './formats.js';
export { escapeLine, escapeLogItem, jsonString } from './escape.js';
export { clfTime, formatOffset } from './clf-time.js';
export { quotePath, rawTarget, requestPath, requestTarget, RAW_TARGET_KEYS } from './request-target.js';
// Moved to @tsgi/request-id; exported here too for code written before the move.
export { isValidRequestId, MAX_REQUEST_ID_LENGTH, requestIdGenerator } from '@tsgi/request-id';
export type { LineTarget } from './line-sink.js';
