export { requestId, REQUEST_ID_KEY, type RequestIdOptions } from './request-id.js';
export { isValidRequestId, MAX_REQUEST_ID_LENGTH, requestIdGenerator } from './request-id-value.js';
