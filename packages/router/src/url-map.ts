/**
 * `urlMap(map)`: mounts apps under path prefixes, as paste.urlmap, Rack::URLMap and
 * Werkzeug's DispatcherMiddleware do. Put it at the top of a multi-app site; each
 * mounted app sees itself at the root.
 *
 * What it does to the request: PATH_INFO is normalised first (dot-segments resolved,
 * `//` collapsed; the mounted app sees the normalised path), then the longest
 * matching prefix wins, on segment boundaries only (`/admin` matches `/admin` and
 * `/admin/x`, never `/adminx`). The prefix moves from PATH_INFO to SCRIPT_NAME:
 * `/admin/x` gives SCRIPT_NAME `/admin`, PATH_INFO `/x`; `/admin` gives PATH_INFO ''.
 * The mount's template (`/admin/*`, under any outer SCRIPT_NAME) goes to
 * `environ['tsgi.route']`, for a mounted app that is no router; a router below
 * replaces it with its own route. The response passes through untouched. No match:
 * 404 (or the `notFound` app; thrown as an `HttpError` with `throwHttpErrors`), with
 * no route.
 *
 * Keys are paths (`/admin`, written decoded) or URLs with a host
 * (`http://example.com/admin`, `//example.com/admin`): host keys match the Host header
 * (SERVER_NAME when there is none), with the port only when the key has one, and are
 * tried before host-less keys. The scheme of a URL key is ignored, as in Rack.
 *
 * Security: the gateway percent-decodes PATH_INFO before it gets here, so
 * `/admin%2Fx` arrives as `/admin/x` and `/%61dmin` as `/admin`: both are matched by
 * the `/admin` mount, which is the safe direction for a prefix guarded by auth. An
 * encoded slash can never create or hide a segment boundary, and `%2e%2e` is a `..`
 * that normalisation resolves before the prefix is compared.
 *
 * @example
 * const site = urlMap({ '/': frontend, '/api': apiRouter, '/admin': basicAuth(opts)(admin) });
 * @see https://peps.python.org/pep-3333/#environ-variables (SCRIPT_NAME, PATH_INFO)
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4 (dot segments)
 * @module
 */
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { normalizePath } from './normalize-path.js';
import { toPathBytes } from './pattern.js';
import { notFoundApp, throwNotFoundApp } from './router-answers.js';
import { clearRoute, decodePathBytes, setRoute } from './routing-args.js';

export interface UrlMapOptions {
  /**
   * The app that answers when no key matches.
   * @default a plain-text `404 Not Found`
   */
  notFound?: Application;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, so `httpErrors()` from @tsgi/errors, above,
   * renders it like every other error (and `cascade` still falls through a thrown 404
   * or 405). Here: the 404 when no key matches; a `notFound` app given
   * here still answers it.
   * @default false
   */
  throwHttpErrors?: boolean;
}

/** Prefix (or URL) to app, as an object or as entries. */
export type UrlMapEntries = Record<string, Application> | Iterable<readonly [string, Application]>;

interface Mount {
  readonly key: string;
  readonly host: string | null;
  readonly hostHasPort: boolean;
  /** '' for the root; never ends in '/'. */
  readonly prefix: string;
  readonly prefixSlash: string;
  /** The route this mount publishes, `/prefix/*` as written in the key (decoded). */
  readonly template: string;
  readonly app: Application;
}

const DEFAULTS = { notFound: notFoundApp, throwHttpErrors: false } satisfies Required<UrlMapOptions>;
const URL_KEY = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/]+)(\/.*)?$/i;

export function urlMap(map: UrlMapEntries, options: UrlMapOptions = {}): Application {
  const throwHttpErrors = options.throwHttpErrors ?? DEFAULTS.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean') throw new TypeError(`urlMap: throwHttpErrors must be true or false, got ${String(throwHttpErrors)}`);
  const notFound = options.notFound ?? (throwHttpErrors ? throwNotFoundApp : DEFAULTS.notFound);
  if (typeof notFound !== 'function') throw new TypeError('urlMap: notFound must be an Application (a function)');
  if (map === null || typeof map !== 'object') throw new TypeError('urlMap: map must be an object or entries');
  const entries = Symbol.iterator in map ? [...(map as Iterable<readonly [string, Application]>)] : Object.entries(map);
  const mounts = entries.map(([key, app]) => toMount(key, app));
  const seen = new Set<string>();
  for (const mount of mounts) {
    const id = `${mount.host ?? ''} ${mount.prefix}`;
    if (seen.has(id)) throw new TypeError(`urlMap: ${JSON.stringify(mount.key)} mounts the same place twice`);
    seen.add(id);
  }
  // Host keys first, then the longest prefix: the most specific mount wins.
  mounts.sort((a, b) => Number(b.host !== null) - Number(a.host !== null) || b.prefix.length - a.prefix.length);
  const byHost = mounts.some((m) => m.host !== null);

  return function urlMapApp(environ: Environ, startResponse: StartResponse) {
    const path = normalizePath(environ.PATH_INFO ?? '');
    const host = byHost ? requestHost(environ) : '';
    for (let i = 0; i < mounts.length; i++) {
      const mount = mounts[i]!;
      if (mount.host !== null && mount.host !== (mount.hostHasPort ? host : stripPort(host))) continue;
      const { prefix } = mount;
      if (prefix === '' || path === prefix || path.startsWith(mount.prefixSlash)) {
        // The root mount adds nothing to the route an outer mount gave.
        if (prefix !== '') setRoute(environ, mount.template);
        environ.SCRIPT_NAME = (environ.SCRIPT_NAME ?? '') + prefix;
        environ.PATH_INFO = prefix === '' ? path : path.slice(prefix.length);
        return mount.app(environ, startResponse);
      }
    }
    environ.PATH_INFO = path;
    clearRoute(environ);
    return notFound(environ, startResponse);
  };
}

function toMount(key: string, app: Application): Mount {
  if (typeof key !== 'string') throw new TypeError(`urlMap: keys must be strings, got ${typeof key}`);
  if (typeof app !== 'function') throw new TypeError(`urlMap: the app for ${JSON.stringify(key)} must be a function`);
  let host: string | null = null;
  let path = key;
  const url = URL_KEY.exec(key);
  if (url) {
    host = url[1]!.toLowerCase();
    path = url[2] ?? '';
  } else if (key !== '' && !key.startsWith('/')) {
    throw new TypeError(`urlMap: a key must be a path starting with '/' or a URL, got ${JSON.stringify(key)}`);
  }
  let prefix = normalizePath(toPathBytes(path));
  while (prefix.endsWith('/')) prefix = prefix.slice(0, -1);
  const template = (decodePathBytes(prefix) ?? prefix) + '/*';
  return { key, host, hostHasPort: host !== null && stripPort(host) !== host, prefix, prefixSlash: prefix + '/', template, app };
}

function requestHost(environ: Environ): string {
  const header = environ.HTTP_HOST;
  return (header ? header : `${environ.SERVER_NAME}:${environ.SERVER_PORT}`).toLowerCase();
}

/** `example.com:8000` -> `example.com`; `[::1]:80` -> `[::1]`. */
function stripPort(host: string): string {
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') ? host.slice(0, colon) : host;
}
