/**
 * The work of the `cors`, `secure-headers` and `websec-stack` scenarios, defined once
 * so every target does the same: one allowed origin with credentials (the request
 * comes from it), and helmet's default headers without HSTS (the bench speaks plain
 * HTTP, where secureHeaders() sends none and helmet and Hono are told not to).
 */

/** The front end's origin: the one origin allowed, and the one the load generator sends. */
export const CORS_ORIGIN = 'https://app.example.com';

/** What every CORS row answers the benchmarked request with. */
export const CORS_RESPONSE: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': CORS_ORIGIN,
  'Access-Control-Allow-Credentials': 'true',
  Vary: 'Origin',
};

/** helmet 8's default policy, directive by directive (Hono is given it; helmet and tsgi default to it). */
export const HELMET_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  fontSrc: ["'self'", 'https:', 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", 'https:', "'unsafe-inline'"],
  upgradeInsecureRequests: [] as string[],
};

/** helmet 8's default headers without HSTS, as node:http writes them by hand. */
export const SECURE_RESPONSE: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
};
