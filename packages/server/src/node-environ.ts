/**
 * The request side of the gateway: turns a node:http request into a PEP 3333
 * `environ`. CGI keys are strings; `PATH_INFO` is percent-decoded into "bytes as a
 * string" (each byte one char code 0-255, as PEP 3333 asks of native strings), so
 * `/%E4` gives `'\xe4'` and UTF-8 `ä` gives `'\xc3\xa4'`. Request headers become
 * `HTTP_*` keys, except `Content-Type`/`Content-Length` (no prefix) and any name with
 * an underscore, which is dropped so `Content_Length` can never pose as
 * `CONTENT_LENGTH` (gunicorn and nginx do the same).
 *
 * A list of header names seen before (a keep-alive connection sends the same list
 * request after request) is built by one object literal compiled for it
 * (environ-shape.ts); a list with repeats, or one too many, takes the general path here.
 *
 * @example
 * const environ = buildEnviron(req, res, config);
 * if (environ === undefined) return badRequest(res); // e.g. a duplicate Host header
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @see https://peps.python.org/pep-3333/#unicode-issues
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3.2.2 (absolute-form targets)
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { environKey, type ClientConnection, type Environ, type ErrorStream, type FileWrapper } from '@tsgi/core';
import { decodePathInfo } from '@tsgi/core/gateway';
import { shapeOf, VERSION, type Shape, type ShapeSocket } from './environ-shape.js';
import { EMPTY_INPUT, NodeInputStream } from './node-input.js';

/** What the listener resolves once and every request shares. */
export interface EnvironConfig {
  errors: ErrorStream;
  fileWrapper: FileWrapper;
  multiprocess: boolean;
  /** Fixed `wsgi.url_scheme`, or undefined to read it off the socket (TLS or not). */
  urlScheme: 'http' | 'https' | undefined;
  /** Fixed `SERVER_NAME`, or undefined for the socket's local address. */
  serverName: string | undefined;
  /** Fixed `SERVER_PORT`, or undefined for the socket's local port. */
  serverPort: string | undefined;
}

/** A request header name as the client spelled it: its environ key, and a bit of its own. */
interface HeaderSlot {
  key: string | null;
  /** 1 << n for the first 31 keys seen, 0 for later ones (checked by a look-up instead). */
  bit: number;
}
// A request almost never repeats a header, yet each one must be checked for a repeat
// (joined, or refused for Host). A bit per key makes that check a mask test instead of a
// keyed load on the environ per header (megamorphic: every key is another name).
// Clients repeat the same few spellings, so both are worked out once per spelling;
// bounded, so a client inventing names cannot grow the cache without limit.
const SLOTS = new Map<string, HeaderSlot>();
const SLOT_LIMIT = 2000;
const KEY_BITS = new Map<string, number>();

function slotOf(name: string): HeaderSlot {
  let slot = SLOTS.get(name);
  if (slot !== undefined) return slot;
  const key = environKey(name);
  let bit = key === null ? 0 : KEY_BITS.get(key);
  if (bit === undefined) {
    bit = KEY_BITS.size < 31 ? 1 << KEY_BITS.size : 0;
    if (bit !== 0) KEY_BITS.set(key!, bit);
  }
  slot = { key, bit };
  if (SLOTS.size < SLOT_LIMIT) SLOTS.set(name, slot);
  return slot;
}

/** Where the path starts in a request target: after `scheme://authority` for absolute-form. */
function pathStart(target: string): number {
  if (target.charCodeAt(0) === 47 /* / */) return 0;
  const scheme = target.indexOf('://');
  if (scheme === -1) return -1; // '*' (OPTIONS) or authority-form (CONNECT)
  const slash = target.indexOf('/', scheme + 3);
  const query = target.indexOf('?', scheme + 3);
  if (slash === -1 || (query !== -1 && query < slash)) return query === -1 ? target.length : query;
  return slash;
}

/** What the environ takes from the connection, worked out once per socket. */
interface SocketInfo extends ShapeSocket {
  /** The listener settings it was worked out under (two listeners may share a socket). */
  config: EnvironConfig;
}
const kSocketInfo = Symbol('tsgi.socket_info');
type InfoSocket = Socket & { [kSocketInfo]?: SocketInfo };

// A keep-alive connection carries many requests: its addresses are read (and the
// ports turned into strings) for the first one only.
function socketInfo(socket: InfoSocket, config: EnvironConfig): SocketInfo {
  let info = socket[kSocketInfo];
  if (info === undefined || info.config !== config) {
    info = {
      config,
      serverName: config.serverName ?? socket.localAddress ?? 'localhost',
      serverPort: config.serverPort ?? String(socket.localPort ?? ''),
      remoteAddr: socket.remoteAddress ?? '',
      remotePort: String(socket.remotePort ?? ''),
      scheme: config.urlScheme ?? ((socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'),
      shape: null,
    };
    // Only once connected: a socket without a peer yet must not cache empty values.
    if (socket.remoteAddress !== undefined) socket[kSocketInfo] = info;
  }
  return info;
}

/**
 * The general path: each request header as an environ key, repeats joined (Cookie with
 * '; ', the rest with ', '; Content-Type/Length keep their first value). Returns whether
 * the request is chunked, or `undefined` for a repeated Host (refused with 400).
 */
function addHeaders(environ: Environ, raw: readonly string[]): boolean | undefined {
  let chunked = false;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const { key, bit } = slotOf(raw[i]!);
    if (key === null) continue;
    const value = raw[i + 1]!;
    // A key without a bit (past the first 31) is looked up, as a repeat may be.
    const previous = bit !== 0 ? ((seen & bit) === 0 ? undefined : (environ[key] as string)) : (environ[key] as string | undefined);
    if (previous === undefined) {
      seen |= bit;
      environ[key] = value;
      if (key === 'HTTP_TRANSFER_ENCODING') chunked = true;
      continue;
    }
    if (key === 'HTTP_HOST') return undefined;
    // Content-Type/Length keep their first value (node refuses differing lengths).
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') continue;
    environ[key] = previous + (key === 'HTTP_COOKIE' ? '; ' : ', ') + value;
  }
  return chunked;
}

/**
 * Builds the environ for one request, or returns `undefined` when the request must
 * be refused with 400 before the app sees it (a repeated `Host`, RFC 9112 3.2).
 * `connection`, when given, is `environ['tsgi.connection']`, the environ's last key.
 */
export function buildEnviron(
  req: IncomingMessage,
  res: ServerResponse,
  config: EnvironConfig,
  connection?: ClientConnection,
): Environ | undefined {
  return build(req, res, config, connection, true);
}

/** `buildEnviron` by the general path alone, never a compiled shape (for tests that compare the two). */
export function buildEnvironGeneral(
  req: IncomingMessage,
  res: ServerResponse,
  config: EnvironConfig,
  connection?: ClientConnection,
): Environ | undefined {
  return build(req, res, config, connection, false);
}

function build(
  req: IncomingMessage,
  res: ServerResponse,
  config: EnvironConfig,
  connection: ClientConnection | undefined,
  shapes: boolean,
): Environ | undefined {
  const target = req.url ?? '/';
  const start = pathStart(target);
  const queryAt = target.indexOf('?', start === -1 ? 0 : start);
  const rawPath = start === -1 ? '' : target.slice(start, queryAt === -1 ? target.length : queryAt);
  const info = socketInfo(req.socket, config);
  const method = req.method ?? 'GET';
  const pathInfo = start === -1 ? '' : rawPath === '' ? '/' : decodePathInfo(rawPath);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const protocol = req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
  const raw = req.rawHeaders;
  // Header names seen before (on this connection, most often): one compiled literal.
  const shape: Shape | null = shapes ? shapeOf(info, raw) : null;
  let environ: Environ;
  let chunked: boolean;
  if (shape !== null) {
    const make = connection === undefined ? shape.build : shape.buildWith;
    environ = make(method, pathInfo, query, protocol, target, info, config, raw, connection);
    chunked = shape.chunked;
  } else {
    environ = {
      REQUEST_METHOD: method,
      SCRIPT_NAME: '',
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      SERVER_NAME: info.serverName,
      SERVER_PORT: info.serverPort,
      SERVER_PROTOCOL: protocol,
      REQUEST_URI: target,
      REMOTE_ADDR: info.remoteAddr,
      REMOTE_PORT: info.remotePort,
      'wsgi.version': VERSION,
      'wsgi.url_scheme': info.scheme,
      'wsgi.input': EMPTY_INPUT,
      'wsgi.errors': config.errors,
      'wsgi.multithread': false,
      'wsgi.multiprocess': config.multiprocess,
      'wsgi.run_once': false,
      'wsgi.input_terminated': true,
      'wsgi.file_wrapper': config.fileWrapper,
    };
    const headersChunked = addHeaders(environ, raw);
    if (headersChunked === undefined) return undefined;
    chunked = headersChunked;
    if (connection !== undefined) environ['tsgi.connection'] = connection;
  }
  const length = environ.CONTENT_LENGTH;
  if (chunked || (length !== undefined && length !== '0')) {
    environ['wsgi.input'] = new NodeInputStream(req, res, chunked ? -1 : Number(length));
  }
  return environ;
}
