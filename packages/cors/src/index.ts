export { cors } from './cors.js';
export { DEFAULTS, type CorsOptions } from './options.js';
export type { OriginEntry, OriginOption, OriginPredicate } from './origin.js';
// The rule lives in core (csrf shares it); still exported here, where it was first.
export { normalizeOrigin } from '@tsgi/core';
