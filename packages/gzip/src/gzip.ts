/**
 * gzip(): compresses responses with the best content coding the client accepts
 * (gzip, deflate, br, and zstd where Node has it), streaming end to end.
 *
 * Request: reads `HTTP_ACCEPT_ENCODING` only. Response: sets `Content-Encoding`,
 * removes `Content-Length` (or sets the compressed one when the whole body was
 * compressed at once), adds `Vary: Accept-Encoding` whenever the response could have
 * been compressed, and weakens a strong `ETag`. Answers 406 when the client refuses
 * `identity` and every coding offered.
 *
 * Left as they are: HEAD bodies (same headers as GET, no body work), 1xx, 204, 205, 206
 * and 304 responses, responses that already have a Content-Encoding or say
 * `Cache-Control: no-transform`, media types the `filter` turns down, and bodies of
 * known length under `threshold` bytes (from Content-Length, an array, or a sync
 * iterable). Whole bodies up to `oneShotLimit` are compressed in one call; longer or
 * still-streaming ones go through a zlib stream that never runs ahead of the client.
 * An async body is sync-flushed per chunk (Rack::Deflater's `sync`), so each chunk
 * the app yields reaches the client without waiting for the next.
 *
 * On Cloudflare Workers it passes every response through untouched: there the edge
 * negotiates with the client and compresses (gzip, br) by itself, and the Worker sees
 * `Accept-Encoding: br, gzip` whatever the client sent, so compressing there would
 * only cost CPU time and could pick a coding the client never offered. (`toFetch`
 * marks a body the app encoded itself `encodeBody: 'manual'`, so it is not encoded twice.)
 *
 * Where in the stack: outside everything that produces or inspects the body (routers,
 * apps, conditional GET), inside the access log, so the log sees compressed sizes.
 *
 * @example
 * import { compose } from '@tsgi/core';
 * import { gzip } from '@tsgi/gzip';
 * serve(compose(accessLog(), gzip({ threshold: 512 }))(app), { port: 8000 });
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.4 (Content-Encoding)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3 (Accept-Encoding)
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @module
 */
import { wrapResponse, type Application, type Body, type Environ, type Middleware, type StartResponse } from '@tsgi/core';
import { GZIP_HOOKS, GzipResponse } from './gzip-response.js';
import { resolveOptions, type GzipOptions } from './options.js';

/** Cloudflare Workers, as they document telling themselves apart; see above. */
const EDGE_COMPRESSES = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

export function gzip(options: GzipOptions = {}): Middleware {
  const config = resolveOptions(options);
  const { negotiator } = config;
  return function gzipMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError('gzip: the application to wrap must be a function');
    if (EDGE_COMPRESSES) return app;
    return function gzipApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const negotiation = negotiator.negotiate(environ.HTTP_ACCEPT_ENCODING);
      const response = new GzipResponse(config, environ, negotiation, environ.REQUEST_METHOD === 'HEAD');
      return wrapResponse(app, environ, startResponse, GZIP_HOOKS, response);
    };
  };
}
