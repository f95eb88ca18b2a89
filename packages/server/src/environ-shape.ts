/**
 * The environ of a request whose header names the gateway has seen before, built by one
 * object literal compiled for that list of names: a plain object with every key in
 * place from the start, instead of 19 keys and then one keyed store per header (each
 * store a megamorphic look-up and a map transition: every key is another name). A
 * keep-alive connection sends the same names in the same order request after request,
 * so the connection remembers its last shape and checks it with one string compare a
 * name; a list seen on another connection is found by its names.
 *
 * A shape is compiled only for a list without repeats (a repeated Host is refused, other
 * repeats are joined, Content-Type/Length keep their first value: the general path in
 * node-environ.ts does those), with at most `MAX_NAMES` names, and for at most
 * `SHAPE_LIMIT` lists, so a client inventing names cannot make the gateway compile
 * without limit. Where code generation is off (`--disallow-code-generation-from-strings`)
 * every request takes the general path. The environ is the same object either way:
 * same keys, same order, same values (environ-shape.test.ts compares the two).
 *
 * @example
 * const shape = shapeOf(info, req.rawHeaders);
 * const environ = shape === null ? general() : shape.build(method, path, query, protocol, target, info, config, raw);
 *
 * @see https://peps.python.org/pep-3333/#environ-variables
 * @module
 */
import { environKey, type ClientConnection, type Environ, type ErrorStream, type FileWrapper } from '@tsgi/core';
import { EMPTY_INPUT } from './node-input.js';

/** What a built environ takes from the connection (node-environ.ts's SocketInfo). */
export interface ShapeSocket {
  serverName: string;
  serverPort: string;
  remoteAddr: string;
  remotePort: string;
  scheme: 'http' | 'https';
  /** The shape of this connection's last request, tried first for the next one. */
  shape: Shape | null;
}

/** What a built environ takes from the listener's settings. */
export interface ShapeConfig {
  errors: ErrorStream;
  fileWrapper: FileWrapper;
  multiprocess: boolean;
}

export type BuildEnviron = (
  method: string,
  pathInfo: string,
  query: string,
  protocol: string,
  target: string,
  info: ShapeSocket,
  config: ShapeConfig,
  raw: readonly string[],
  connection: ClientConnection | undefined,
) => Environ;

/** One list of request header names as a client spelled them, and its compiled environ. */
export interface Shape {
  /** The names, in `rawHeaders` order (a name dropped from the environ is still here). */
  readonly names: readonly string[];
  /** The list has Transfer-Encoding: the request has a body to read. */
  readonly chunked: boolean;
  /** The environ without `tsgi.connection` (a gateway that has none, or sets it later). */
  readonly build: BuildEnviron;
  /**
   * The environ with `tsgi.connection` last, in the literal: added after it, the key needs
   * a new property store on every request (a StoreIC at the socket, and an allocation).
   */
  readonly buildWith: BuildEnviron;
}

export const VERSION = Object.freeze([1, 0] as const);
const MAX_NAMES = 64;
const SHAPE_LIMIT = 256;
/** Lists seen, by their names joined with '\n' (no header name holds one); null: not compiled. */
const SHAPES = new Map<string, Shape | null>();
let codegen = true;

// The keys every environ has, in the order node-environ.ts's general path sets them.
const BASE =
  "REQUEST_METHOD: method, SCRIPT_NAME: '', PATH_INFO: pathInfo, QUERY_STRING: query, " +
  'SERVER_NAME: info.serverName, SERVER_PORT: info.serverPort, SERVER_PROTOCOL: protocol, ' +
  'REQUEST_URI: target, REMOTE_ADDR: info.remoteAddr, REMOTE_PORT: info.remotePort, ' +
  "'wsgi.version': VERSION, 'wsgi.url_scheme': info.scheme, 'wsgi.input': EMPTY_INPUT, " +
  "'wsgi.errors': config.errors, 'wsgi.multithread': false, 'wsgi.multiprocess': config.multiprocess, " +
  "'wsgi.run_once': false, 'wsgi.input_terminated': true, 'wsgi.file_wrapper': config.fileWrapper";

function sameNames(names: readonly string[], raw: readonly string[]): boolean {
  if (raw.length !== names.length * 2) return false;
  for (let i = 0; i < names.length; i++) if (raw[i * 2] !== names[i]) return false;
  return true;
}

/** The compiled shape for `raw`'s header names, or null when the general path must build it. */
export function shapeOf(info: ShapeSocket, raw: readonly string[]): Shape | null {
  const last = info.shape;
  if (last !== null && sameNames(last.names, raw)) return last;
  if (!codegen || raw.length > MAX_NAMES * 2) return null;
  const names: string[] = [];
  for (let i = 0; i < raw.length; i += 2) names.push(raw[i]!);
  const id = names.join('\n');
  let shape = SHAPES.get(id);
  if (shape === undefined) {
    if (SHAPES.size >= SHAPE_LIMIT) return null;
    shape = compile(names);
    SHAPES.set(id, shape);
  }
  info.shape = shape;
  return shape;
}

function compile(names: string[]): Shape | null {
  const keys = new Set<string>();
  let fields = '';
  for (let i = 0; i < names.length; i++) {
    const key = environKey(names[i]!);
    if (key === null) continue; // a name with '_': dropped (see environKey)
    if (keys.has(key)) return null; // a repeat: joined or refused by the general path
    keys.add(key);
    // JSON.stringify quotes the key: a header name may hold characters no identifier has.
    fields += `, ${JSON.stringify(key)}: raw[${i * 2 + 1}]`;
  }
  let build: BuildEnviron;
  let buildWith: BuildEnviron;
  try {
    build = compiled(fields);
    buildWith = compiled(`${fields}, 'tsgi.connection': connection`);
  } catch {
    // No code from strings in this process: the general path for every request.
    codegen = false;
    return null;
  }
  return { names, chunked: keys.has('HTTP_TRANSFER_ENCODING'), build, buildWith };
}

/** The environ literal with the base keys, then `fields`. */
function compiled(fields: string): BuildEnviron {
  const factory = new Function(
    'VERSION',
    'EMPTY_INPUT',
    'return function environOf(method, pathInfo, query, protocol, target, info, config, raw, connection) ' +
      `{ return { ${BASE}${fields} }; };`,
  ) as (version: typeof VERSION, input: typeof EMPTY_INPUT) => BuildEnviron;
  return factory(VERSION, EMPTY_INPUT);
}
