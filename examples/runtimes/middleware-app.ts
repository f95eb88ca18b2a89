/**
 * The runtime matrix's routes for the request side and the web-security middleware: a
 * multipart form with a file read by `readMultipartForm`, and one small route under each
 * of cors, secureHeaders, csrf, rateLimit (memory store), requestId, ipRestriction,
 * bodyLimit and serverTiming, so every runtime runs each of them once. app.ts mounts
 * them in its router, under its stack (proxyFix first: ipRestriction and the rate
 * limit see the client it names).
 *
 * Like app.ts: nothing at import or factory time touches I/O, timers or random bytes
 * (Workers forbid them at module scope); the stores and keys are made on first use.
 *
 * @example
 * const routes = router();
 * mountMiddlewareRoutes(routes);
 * @module
 */
import type { Application, Environ } from '@tsgi/core';
import { cors } from '@tsgi/cors';
import { csrf } from '@tsgi/csrf';
import { ipRestriction } from '@tsgi/ip-restriction';
import { bodyLimit } from '@tsgi/limits';
import { memoryStore, rateLimit } from '@tsgi/rate-limit';
import { json as jsonResponse, readMultipartForm, text } from '@tsgi/request';
import { requestId } from '@tsgi/request-id';
import type { Router } from '@tsgi/router';
import { secureHeaders } from '@tsgi/secure-headers';
import { serverTiming, serverTimingOf } from '@tsgi/server-timing';

/** The only origin /mw/cors lets read its answers. */
export const CORS_ORIGIN = 'https://app.example';
/** The one network /mw/ip lets in (the matrix sends its client through X-Forwarded-For). */
export const ALLOWED_NET = '203.0.113.0/24';
/** Requests /mw/rate allows per key per minute. */
export const RATE_LIMIT = 1;
/** The most bytes /mw/limit reads. */
export const BODY_LIMIT = 16;

const ok = text('ok\n');

/** `/upload/form`: the fields and the file of a small multipart form (kept in memory, under the spool size). */
const uploadForm: Application = async function uploadForm(environ, startResponse) {
  const form = await readMultipartForm(environ, { maxFileSize: 64 * 1024 });
  const file = form.file('file');
  const body = await jsonResponse({ title: form.get('title'), file: file?.filename, type: file?.contentType, size: file?.size })(environ, startResponse);
  // Nothing to remove for a file in memory; the call is what an app does in any case.
  await form.cleanup();
  return body;
};

/** `/mw/timing`: a metric of the app's own, with a fixed duration so every runtime sends the same header. */
const timed: Application = function timed(environ, startResponse) {
  serverTimingOf(environ).add('db', 12.5, 'query');
  return ok(environ, startResponse);
};

/** The rate limit's key: a header the matrix sends, so this row counts only its own requests. */
const rateKey = (environ: Environ): string => String(environ.HTTP_X_RATE_KEY ?? '');

/** Adds the routes to `routes` (the router of app.ts). */
export function mountMiddlewareRoutes(routes: Router, httpErrors: (app: Application) => Application): Router {
  return routes
    .post('/upload/form', httpErrors(uploadForm))
    .route(['GET', 'OPTIONS'], '/mw/cors', cors({ origin: [CORS_ORIGIN], credentials: true, maxAge: 600 })(ok))
    .get('/mw/secure', secureHeaders()(ok))
    .post('/mw/csrf', csrf()(ok))
    .get('/mw/rate', rateLimit({ limit: RATE_LIMIT, window: 60_000, key: rateKey, store: memoryStore() })(ok))
    .get('/mw/request-id', requestId()(ok))
    .get('/mw/ip', ipRestriction({ allow: [ALLOWED_NET] })(ok))
    .post('/mw/limit', bodyLimit({ limit: BODY_LIMIT })(ok))
    .get('/mw/timing', serverTiming({ total: false })(timed));
}
