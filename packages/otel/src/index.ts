export { otel } from './otel.js';
export type { OtelOptions } from './options.js';
export { DURATION_BUCKETS, SCOPE } from './instruments.js';
export { ALWAYS_REDACTED } from './header-capture.js';
export { environGetter } from './environ-getter.js';
