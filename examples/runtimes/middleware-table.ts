/**
 * The runtime matrix's rows for middleware-app.ts: a multipart form with a file, and
 * one answer each from cors (a preflight), secureHeaders, csrf (a cross-site POST
 * refused), rateLimit (the request over the limit refused: two rows, run in order, on
 * one key), requestId, ipRestriction (one client let in, one kept out), bodyLimit and
 * serverTiming. table.ts appends them to ROWS.
 * @module
 */
import { BODY_LIMIT, CORS_ORIGIN } from './middleware-app.js';
import type { Row } from './table.js';

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';
const BOUNDARY = 'matrixBoundary42';
const FILE = 'one line of notes\n';

/** A browser's form: a field and a small text file. */
function multipartBody(): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHoliday\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n${FILE}\r\n` +
      `--${BOUNDARY}--\r\n`,
  );
}

/** Every rate-limit row counts on this key only. */
const RATE_KEY = { 'x-rate-key': 'matrix' };

export const MIDDLEWARE_ROWS: Row[] = [
  {
    name: 'readMultipartForm(): a multipart form with a field and a file, answered with the file size',
    sent: { method: 'POST', path: '/upload/form', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: multipartBody() },
    expected: () => ({
      status: 200,
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ title: 'Holiday', file: 'notes.txt', type: 'text/plain', size: Buffer.byteLength(FILE) }),
    }),
  },
  {
    name: 'cors(): a preflight from an allowed origin, answered without the app',
    sent: {
      method: 'OPTIONS',
      path: '/mw/cors',
      headers: { origin: CORS_ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token' },
    },
    expected: () => ({
      status: 204,
      headers: {
        'access-control-allow-origin': CORS_ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
        'access-control-allow-headers': 'x-token',
        'access-control-max-age': '600',
      },
      body: '',
    }),
  },
  {
    name: 'secureHeaders(): helmet\'s headers on the answer',
    sent: { method: 'GET', path: '/mw/secure' },
    expected: () => ({
      status: 200,
      headers: { 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'cross-origin-opener-policy': 'same-origin' },
      body: 'ok\n',
    }),
  },
  {
    name: 'csrf(): a cross-site form POST refused with 403',
    sent: {
      method: 'POST',
      path: '/mw/csrf',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from('amount=100'),
    },
    expected: () => ({ status: 403, headers: { 'content-type': TEXT }, body: 'Forbidden: cross-site request (Sec-Fetch-Site) from an origin that is not trusted.\n' }),
  },
  {
    name: 'rateLimit() with memoryStore(): the request within the limit',
    sent: { method: 'GET', path: '/mw/rate', headers: RATE_KEY },
    expected: () => ({ status: 200, headers: { 'retry-after': undefined }, body: 'ok\n' }),
  },
  {
    name: 'rateLimit() with memoryStore(): the next request on the same key is a 429',
    sent: { method: 'GET', path: '/mw/rate', headers: RATE_KEY },
    expected: () => ({ status: 429, headers: { 'retry-after': '60', ratelimit: '"default";r=0;t=60' }, body: 'Too many requests: the rate limit was reached; retry later.\n' }),
  },
  {
    name: 'requestId(): the incoming X-Request-Id echoed',
    sent: { method: 'GET', path: '/mw/request-id', headers: { 'x-request-id': 'matrix-42' } },
    expected: () => ({ status: 200, headers: { 'x-request-id': 'matrix-42' }, body: 'ok\n' }),
  },
  {
    name: 'ipRestriction(): a client in the allowed network (as proxyFix names it) let in',
    sent: { method: 'GET', path: '/mw/ip', headers: { 'x-forwarded-for': '203.0.113.9' } },
    expected: () => ({ status: 200, headers: {}, body: 'ok\n' }),
  },
  {
    name: 'ipRestriction(): a client outside it refused with 403',
    sent: { method: 'GET', path: '/mw/ip', headers: { 'x-forwarded-for': '198.51.100.7' } },
    expected: () => ({ status: 403, headers: {}, body: 'client address 198.51.100.7 is not allowed\n' }),
  },
  {
    name: 'bodyLimit(): a body over the limit refused with 413 before the app reads it',
    sent: { method: 'POST', path: '/mw/limit', headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(BODY_LIMIT * 4, 'x') },
    expected: () => ({ status: 413, headers: {}, body: `request body of ${BODY_LIMIT * 4} bytes is over the limit of ${BODY_LIMIT} bytes\n` }),
  },
  {
    name: 'serverTiming(): the app\'s metric in Server-Timing',
    sent: { method: 'GET', path: '/mw/timing' },
    expected: () => ({ status: 200, headers: { 'server-timing': 'db;dur=12.5;desc="query"' }, body: 'ok\n' }),
  },
];
