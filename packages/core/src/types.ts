/**
 * The tsgi contract: PEP 3333's callables and objects as TypeScript types.
 *
 * Each type is the one PEP 3333 defines, with bytestrings as `Uint8Array` and the
 * blocking calls of `wsgi.input` as Promises, because Node is asynchronous.
 *
 * @see https://peps.python.org/pep-3333/#specification-details
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import type { WebSocketOffer } from './websocket.js';

/** A response header list, as PEP 3333's `response_headers`: `[name, value]` pairs, repeats kept. */
export type ResponseHeaders = Array<[name: string, value: string]>;

/** The `write` callable `startResponse` returns: an imperative escape hatch, as in PEP 3333. */
export type Write = (chunk: Uint8Array) => void;

/**
 * `start_response(status, response_headers, exc_info=None)` as defined in PEP 3333.
 * `status` is `"200 OK"`: three digits, a space, a reason phrase. A second call is only
 * allowed with `excInfo`, and only replaces what has not been sent yet.
 */
export type StartResponse = (status: string, headers: ResponseHeaders, excInfo?: unknown) => Write;

/**
 * The iterable an application returns. Chunks are bytes, never strings. The server
 * calls `close()` exactly once, however the response ends.
 */
export type Body = (Iterable<Uint8Array> | AsyncIterable<Uint8Array>) & {
  close?(): void | Promise<void>;
};

/** `wsgi.input` as defined in PEP 3333, with each read returning a Promise. */
export interface InputStream extends AsyncIterable<Uint8Array> {
  /** Up to `size` bytes (all that remain when omitted); an empty array at the end. */
  read(size?: number): Promise<Uint8Array>;
  /** One line including its `\n`, or up to `size` bytes of it; empty at the end. */
  readline(size?: number): Promise<Uint8Array>;
  /** The remaining lines, stopping once `hint` bytes have been read when given. */
  readlines(hint?: number): Promise<Uint8Array[]>;
}

/** `wsgi.errors` as defined in PEP 3333: a text stream for error output. */
export interface ErrorStream {
  write(text: string): void;
  writelines(lines: Iterable<string>): void;
  flush(): void;
}

/** Which bytes of a file `wsgi.file_wrapper` sends. */
export interface FileRange {
  /** Bytes from the start of the file where sending starts. */
  offset?: number;
  /** Most bytes to send; to the end of the file when omitted. */
  length?: number;
}

/**
 * `wsgi.file_wrapper` as defined in PEP 3333: turns a file into a Body that the
 * server may send by a faster path than iteration. `blockSize` is the size of the
 * chunks a middleware iterating the body gets. Without `range.offset`, a path is
 * sent from its start and a `FileHandle` from its current position (PEP 3333:
 * "transmission should begin at the current position within the file"); with it,
 * from that byte of the file. `range.length` stops after that many bytes.
 */
export type FileWrapper = (file: string | FileHandle, blockSize?: number, range?: FileRange) => Body;

/**
 * `environ['tsgi.connection']`: the client's connection while the app answers, from a
 * server that can tell when the client goes away before the response is complete
 * (an app still working on a long poll, or a wrapped node listener, can then stop).
 * The reason given is a `ConnectionAbort`.
 */
export interface ClientConnection {
  /** True once the client went away before the response was complete. */
  readonly closed: boolean;
  /** Calls `listener` once when the client goes away (at once if it already has). */
  onClose(listener: (reason: Error) => void): void;
  /**
   * The same as an `AbortSignal`, for APIs that take one (`fetch`, timers). Made on
   * first read: creating an AbortSignal costs microseconds on Node 20, too much for
   * every request.
   */
  readonly signal: AbortSignal;
}

/**
 * The `environ` dict: CGI variables as strings and the `wsgi.*` keys. Extensions use
 * dotted names (`wsgiorg.routing_args`, `tsgi.*`).
 */
export interface Environ {
  REQUEST_METHOD: string;
  SCRIPT_NAME: string;
  PATH_INFO: string;
  QUERY_STRING: string;
  CONTENT_TYPE?: string;
  CONTENT_LENGTH?: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SERVER_PROTOCOL: string;
  REMOTE_ADDR?: string;
  REMOTE_PORT?: string;
  REMOTE_USER?: string;
  AUTH_TYPE?: string;
  [header: `HTTP_${string}`]: string | undefined;
  'wsgi.version': readonly [1, 0];
  'wsgi.url_scheme': 'http' | 'https';
  'wsgi.input': InputStream;
  'wsgi.errors': ErrorStream;
  'wsgi.multithread': boolean;
  'wsgi.multiprocess': boolean;
  'wsgi.run_once': boolean;
  'wsgi.input_terminated'?: boolean;
  'wsgi.file_wrapper'?: FileWrapper;
  /** Optional, set by servers that can tell when the client goes away. */
  'tsgi.connection'?: ClientConnection;
  /** Set by gateways that can upgrade, only on a valid WebSocket handshake (see websocket.ts). */
  'tsgi.websocket'?: WebSocketOffer;
  [key: string]: unknown;
}

/** `application(environ, start_response)` as defined in PEP 3333. */
export type Application = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>;

/** A middleware: an application to the server above it and a server to the app below. */
export type Middleware = (app: Application) => Application;
