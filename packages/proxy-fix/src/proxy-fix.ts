/**
 * `proxyFix(options)`: behind a reverse proxy (nginx, HAProxy, a cloud load balancer)
 * the socket's peer is the proxy. When - and only when - `REMOTE_ADDR` is one of
 * `trustedProxies`, this middleware takes the client's address, scheme, host, port and
 * mount prefix from the `X-Forwarded-*` headers the proxies appended, counting `for`,
 * `proto`, ... proxies from the right (each value is how many proxies in front of the
 * app set that header). It rewrites `REMOTE_ADDR`, `wsgi.url_scheme`, `HTTP_HOST`,
 * `SERVER_NAME`, `SERVER_PORT` and `SCRIPT_NAME`, and keeps the values it replaced
 * under `environ['tsgi.proxy_fix.orig']`. The response is untouched.
 *
 * Put it outermost, before anything that reads the client address or builds URLs
 * (logging, auth, redirects).
 *
 * **Security:** trust only the proxies you run, and set each count to the number of
 * proxies that set that header. A client can send any `X-Forwarded-*` it likes; only
 * the right-most values, added by your own proxies, are believed. A header with fewer
 * values than the count is ignored.
 *
 * @example
 * const app = compose(proxyFix({ trustedProxies: ['127.0.0.1', '10.0.0.0/8'], for: 1, proto: 1, host: 1 }))(inner);
 *
 * @see https://www.rfc-editor.org/rfc/rfc7239 (Forwarded; the X- headers are its de facto forms)
 * @see https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/
 * @see https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips
 * @module
 */
import type { Application, Environ, Middleware, StartResponse } from '@tsgi/core';
import { compileTrust } from './trust.js';

export interface ProxyFixOptions {
  /**
   * Peers whose `X-Forwarded-*` headers are believed: addresses and CIDR ranges;
   * `'*'` trusts every peer (only when nothing else can reach the app).
   * @default ['127.0.0.1', '::1']
   */
  trustedProxies?: readonly string[];
  /**
   * Proxies that append to `X-Forwarded-For` (sets `REMOTE_ADDR`); 0 ignores the header.
   * @default 1
   */
  for?: number;
  /**
   * Proxies that set `X-Forwarded-Proto` (sets `wsgi.url_scheme`).
   * @default 1
   */
  proto?: number;
  /**
   * Proxies that set `X-Forwarded-Host` (sets `HTTP_HOST`, `SERVER_NAME`, `SERVER_PORT`).
   * @default 0
   */
  host?: number;
  /**
   * Proxies that set `X-Forwarded-Port` (sets `SERVER_PORT` and the port in `HTTP_HOST`).
   * @default 0
   */
  port?: number;
  /**
   * Proxies that set `X-Forwarded-Prefix` (prepended to `SCRIPT_NAME`).
   * @default 0
   */
  prefix?: number;
}

const DEFAULTS = {
  trustedProxies: ['127.0.0.1', '::1'],
  for: 1,
  proto: 1,
  host: 0,
  port: 0,
  prefix: 0,
} satisfies Required<ProxyFixOptions>;

/** The environ key holding the values proxyFix replaced. */
export const ORIG_KEY = 'tsgi.proxy_fix.orig';

export interface ProxyFixOrig {
  REMOTE_ADDR: string;
  'wsgi.url_scheme': string;
  HTTP_HOST: string | undefined;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SCRIPT_NAME: string;
}

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::(\d{1,5}))?$/;
const PORT = /^\d{1,5}$/;
const PREFIX = /^\/[^\s?#]*$/;

function count(name: keyof ProxyFixOptions, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`tsgi proxyFix: ${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

/** The value `trusted` proxies from the right set, or undefined when there are fewer. */
function pick(header: unknown, trusted: number): string | undefined {
  if (trusted === 0 || typeof header !== 'string') return undefined;
  const values = header.split(',');
  if (values.length < trusted) return undefined;
  const value = values[values.length - trusted]!.trim();
  return value === '' ? undefined : value;
}

/** Trusts `X-Forwarded-*` from the configured proxies; see the module comment. */
export function proxyFix(options: ProxyFixOptions = {}): Middleware {
  const isTrusted = compileTrust(options.trustedProxies ?? DEFAULTS.trustedProxies);
  const xFor = count('for', options.for ?? DEFAULTS.for);
  const xProto = count('proto', options.proto ?? DEFAULTS.proto);
  const xHost = count('host', options.host ?? DEFAULTS.host);
  const xPort = count('port', options.port ?? DEFAULTS.port);
  const xPrefix = count('prefix', options.prefix ?? DEFAULTS.prefix);

  function rewrite(environ: Environ): void {
    const orig: ProxyFixOrig = {
      REMOTE_ADDR: environ.REMOTE_ADDR as string,
      'wsgi.url_scheme': environ['wsgi.url_scheme'],
      HTTP_HOST: environ.HTTP_HOST as string | undefined,
      SERVER_NAME: environ.SERVER_NAME as string,
      SERVER_PORT: environ.SERVER_PORT as string,
      SCRIPT_NAME: environ.SCRIPT_NAME as string,
    };
    environ[ORIG_KEY] = orig;
    const client = pick(environ.HTTP_X_FORWARDED_FOR, xFor);
    if (client !== undefined) environ.REMOTE_ADDR = client.startsWith('[') && client.endsWith(']') ? client.slice(1, -1) : client;
    const proto = pick(environ.HTTP_X_FORWARDED_PROTO, xProto)?.toLowerCase();
    if (proto === 'http' || proto === 'https') environ['wsgi.url_scheme'] = proto;
    const host = pick(environ.HTTP_X_FORWARDED_HOST, xHost);
    const hostMatch = host === undefined ? null : HOST.exec(host);
    if (hostMatch !== null) {
      environ.HTTP_HOST = host!;
      environ.SERVER_NAME = hostMatch[1]!;
      environ.SERVER_PORT = hostMatch[2] ?? (environ['wsgi.url_scheme'] === 'https' ? '443' : '80');
    }
    const port = pick(environ.HTTP_X_FORWARDED_PORT, xPort);
    if (port !== undefined && PORT.test(port)) {
      const current = HOST.exec((environ.HTTP_HOST as string | undefined) ?? '');
      if (current !== null) environ.HTTP_HOST = `${current[1]}:${port}`;
      environ.SERVER_PORT = port;
    }
    const prefix = pick(environ.HTTP_X_FORWARDED_PREFIX, xPrefix);
    if (prefix !== undefined && PREFIX.test(prefix)) environ.SCRIPT_NAME = prefix.replace(/\/+$/, '') + orig.SCRIPT_NAME;
  }

  return (app: Application): Application =>
    function proxyFixApp(environ: Environ, startResponse: StartResponse) {
      // An untrusted peer's X-Forwarded-* headers stay as they are, and mean nothing.
      if (isTrusted(environ.REMOTE_ADDR as string)) rewrite(environ);
      return app(environ, startResponse);
    };
}
