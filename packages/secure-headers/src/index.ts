export { CSP_NONCE_KEY, secureHeaders } from './secure-headers.js';
export { DEFAULT_DIRECTIVES, NONCE, type CspOptions, type CspSources } from './csp.js';
export { DEFAULTS, type ReferrerPolicy, type SecureHeadersOptions, type StrictTransportSecurityOptions } from './options.js';
