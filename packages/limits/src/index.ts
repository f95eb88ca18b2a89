export { timeout, timeoutSignal, TIMEOUT_KEY, type TimeoutOptions } from './timeout.js';
export type { RequestTimeout } from './request-deadline.js';
export { bodyLimit, type BodyLimitOptions } from './body-limit.js';
export { LimitedInput } from './limited-input.js';
