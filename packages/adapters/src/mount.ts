/**
 * Where a host mounted an adapter, moved from PATH_INFO to SCRIPT_NAME as a WSGI
 * gateway mounting an app does. Routers that mount by cutting the prefix off the
 * request's URL (Express's `app.use('/admin', ...)` with `req.baseUrl`, Connect's,
 * koa-mount's, each keeping the whole URL in `originalUrl`) are read from the cut;
 * a prefix still in the URL (a Fastify scope's) is moved by hand.
 *
 * @example
 * const prefix = cutPrefix(req.originalUrl, req.url); // '/admin' for '/admin/rows' seen as '/rows'
 * if (prefix !== '') mountAt(environ, prefix, req.originalUrl);
 *
 * @see https://peps.python.org/pep-3333/#environ-variables (SCRIPT_NAME, PATH_INFO)
 * @module
 */
import { type Environ } from '@tsgi/core';
import { decodePathInfo } from '@tsgi/core/gateway';

/** What a router cut off the front of `originalUrl` to leave `url` ('' when nothing was). */
export function cutPrefix(originalUrl: unknown, url: string): string {
  if (typeof originalUrl !== 'string' || originalUrl === url) return '';
  const full = originalUrl.split('?', 1)[0]!;
  const rest = url.split('?', 1)[0]!;
  if (full.endsWith(rest)) return full.slice(0, full.length - rest.length);
  return rest === '/' ? full : '';
}

/** The host cut `prefix` off the URL the environ was built from: it is SCRIPT_NAME, and REQUEST_URI the whole URL. */
export function mountAt(environ: Environ, prefix: string, originalUrl: unknown): void {
  environ.SCRIPT_NAME = decodePathInfo(prefix);
  if (typeof originalUrl === 'string') environ.REQUEST_URI = originalUrl;
}

/** `mount` is still at the front of PATH_INFO (a Fastify scope's prefix): moves it to SCRIPT_NAME. */
export function shiftMount(environ: Environ, mount: string): void {
  const path = environ.PATH_INFO;
  if (mount !== '' && (path === mount || path.startsWith(mount + '/'))) {
    environ.SCRIPT_NAME = mount;
    environ.PATH_INFO = path.slice(mount.length);
  }
}
