/**
 * What the HTTP semantic conventions (stable, v1.23+) want on a server span before
 * the app runs, read from the environ: `http.request.method` (with `_OTHER` and
 * `http.request.method_original` for a method outside the known set), `url.path`,
 * `url.scheme` (`wsgi.url_scheme`: the client's scheme once proxyFix ran), `url.query`
 * (signed-URL secrets redacted), `server.address`/`server.port` (the Host header,
 * else SERVER_NAME/SERVER_PORT), `client.address` (REMOTE_ADDR), `network.protocol.version`
 * (from SERVER_PROTOCOL) and `user_agent.original`.
 *
 * They are given when the span starts, so a sampler can decide on them.
 *
 * @example
 * const attributes = requestAttributes(environ, normalizeMethod(environ.REQUEST_METHOD));
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import { quotePath, rawRequestPath, type Environ } from '@tsgi/core';

/** The methods the conventions know (RFC 9110, PATCH from RFC 5789, QUERY); any other is `_OTHER`. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/** A request method as the conventions record it. */
export interface Method {
  /** `http.request.method`: the method, or `_OTHER`. */
  readonly attribute: string;
  /** What span names start with: the method, or `HTTP` for `_OTHER`. */
  readonly spanName: string;
  /** `http.request.method_original`, only when it differs from the attribute. */
  readonly original: string | undefined;
}

const METHODS = new Map<string, Method>([...KNOWN_METHODS].map((m) => [m, { attribute: m, spanName: m, original: undefined }]));

/** Methods are case-sensitive: `get` is not `GET`, and is recorded as `_OTHER`. */
export function normalizeMethod(method: string): Method {
  return METHODS.get(method) ?? { attribute: '_OTHER', spanName: 'HTTP', original: method };
}

/** `HTTP/1.1` -> `1.1`, `HTTP/2.0` -> `2` (the conventions' spelling), else undefined. */
export function protocolVersion(serverProtocol: string | undefined): string | undefined {
  if (serverProtocol === 'HTTP/1.1') return '1.1';
  if (serverProtocol === undefined || !serverProtocol.startsWith('HTTP/')) return undefined;
  const version = serverProtocol.slice(5);
  return version.endsWith('.0') && version !== '1.0' ? version.slice(0, -2) : version;
}

// Query parameters whose values are credentials in signed URLs (the conventions' list).
const SECRET_PARAMS = /(^|&)(AWSAccessKeyId|Signature|sig|X-Goog-Signature)=[^&]*/g;

/** QUERY_STRING with the values of signed-URL secrets replaced by `REDACTED`. */
export function redactQuery(query: string): string {
  // Each name has 'ig' (Signature, sig) or 'KeyId': most queries skip the regex.
  if (!query.includes('ig') && !query.includes('KeyId')) return query;
  return query.replace(SECRET_PARAMS, '$1$2=REDACTED');
}

/** The Host header split into name and port: `example.com:8080` -> example.com, 8080; `[::1]` -> ::1 (brackets dropped). */
export function splitHost(host: string): { address: string; port: number | undefined } {
  let end = host.length;
  const colon = host.lastIndexOf(':');
  let port: number | undefined;
  if (colon > host.lastIndexOf(']')) {
    port = digits(host, colon + 1);
    end = colon;
  }
  const address = host.charCodeAt(0) === 91 /* [ */ && host.charCodeAt(end - 1) === 93 /* ] */ ? host.slice(1, end - 1) : host.slice(0, end);
  return { address, port };
}

/** The port written from `from` to the end: 1 to 5 digits, else undefined. */
function digits(text: string, from: number): number | undefined {
  const length = text.length - from;
  if (length < 1 || length > 5) return undefined;
  let value = 0;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return undefined;
    value = value * 10 + code;
  }
  return value;
}

// The last Host header split: a server answers one or a few names, so most requests find it here.
let lastHost = '';
let lastSplit: { address: string; port: number | undefined } = { address: '', port: undefined };

function addServer(environ: Environ, scheme: string, attributes: Attributes): void {
  const host = environ.HTTP_HOST;
  if (typeof host === 'string' && host !== '') {
    if (host !== lastHost) {
      lastSplit = splitHost(host);
      lastHost = host;
    }
    const { address, port } = lastSplit;
    attributes['server.address'] = address;
    attributes['server.port'] = port ?? (scheme === 'https' ? 443 : 80);
    return;
  }
  if (environ.SERVER_NAME) attributes['server.address'] = environ.SERVER_NAME;
  const port = Number(environ.SERVER_PORT);
  if (Number.isInteger(port) && port > 0) attributes['server.port'] = port;
}

/** The attributes a server span starts with. */
export function requestAttributes(environ: Environ, method: Method, scheme: string, version: string | undefined): Attributes {
  const attributes: Attributes = {
    'http.request.method': method.attribute,
    'url.path': rawRequestPath(environ) ?? quotePath((environ.SCRIPT_NAME ?? '') + (environ.PATH_INFO ?? '')),
    'url.scheme': scheme,
  };
  if (method.original !== undefined) attributes['http.request.method_original'] = method.original;
  const query = environ.QUERY_STRING;
  if (query) attributes['url.query'] = query.includes('=') ? redactQuery(query) : query;
  addServer(environ, scheme, attributes);
  if (environ.REMOTE_ADDR) attributes['client.address'] = environ.REMOTE_ADDR;
  if (version !== undefined) attributes['network.protocol.version'] = version;
  const agent = environ.HTTP_USER_AGENT;
  if (agent) attributes['user_agent.original'] = agent;
  return attributes;
}
