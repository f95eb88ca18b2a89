export { gzip } from './gzip.js';
export { DEFAULTS, type GzipOptions } from './options.js';
export { compressible, isEventStream, mediaType } from './compressible.js';
export { negotiate, parseAcceptEncoding, type Negotiation } from './accept-encoding.js';
export { AVAILABLE_CODINGS, ZSTD_AVAILABLE } from './encoders.js';
export type { Coding } from './content-encoder.js';
