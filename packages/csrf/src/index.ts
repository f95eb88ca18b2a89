export { CSRF_TOKEN_KEY, csrf } from './csrf.js';
export { SAFE_METHODS, type CsrfReason } from './check.js';
export { DEFAULTS, type CsrfOptions, type CsrfTokenOptions } from './options.js';
export type { TokenKey } from './token.js';
