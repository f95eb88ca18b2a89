export { cors } from './cors.js';
export { DEFAULTS, type CorsOptions } from './options.js';
export { normalizeOrigin, type OriginEntry, type OriginOption, type OriginPredicate } from './origin.js';
