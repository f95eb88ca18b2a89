export { staticFiles, type StaticFilesOptions } from './static-files.js';
export { fileResponse, type FileResponseOptions } from './file-response.js';
export { conditionalGet, type ConditionalGetOptions } from './conditional-get.js';
export { etag, bodyETag, type EtagOptions } from './etag.js';
export { contentTypeFor, DEFAULT_CONTENT_TYPE } from './mime.js';
export { parseRange, coalesce, type ByteRange } from './ranges.js';
export { evaluate as evaluatePreconditions, ifRangeAllows, type PreconditionOutcome, type Validators } from './preconditions.js';
export { parseETags, statETag, strongMatch, weakMatch } from './validators.js';
