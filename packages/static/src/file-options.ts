/**
 * The options `fileResponse()` takes (and `staticFiles()` passes on), their defaults,
 * and their checking, done once when a factory runs.
 *
 * @example
 * const config = resolveFileOptions({ maxAge: 3600 }, 'fileResponse');
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2 (Cache-Control directives)
 * @module
 */
import { checkHeaders, type ResponseHeaders } from '@tsgi/core';

export interface FileResponseOptions {
  /**
   * Content-Type; when omitted it comes from the file's extension (the mime-db table),
   * `application/octet-stream` for unknown ones.
   */
  contentType?: string;
  /**
   * `Cache-Control: public, max-age=<maxAge>` in seconds. 0 makes caches revalidate
   * each time (cheap: a 304 thanks to the ETag).
   * @default 0
   */
  maxAge?: number;
  /**
   * The file's name changes whenever its content does (`app.3f9a1c.js`): send
   * `Cache-Control: public, max-age=31536000, immutable` and an ETag from a SHA-256 of
   * the content instead of size and mtime (computed once per size+mtime and cached).
   * @default false
   */
  immutable?: boolean;
  /**
   * Send a Cache-Control header at all; false leaves caching to an outer layer.
   * @default true
   */
  cacheControl?: boolean;
  /**
   * Honour `Range` requests (and say `Accept-Ranges: bytes`).
   * @default true
   */
  ranges?: boolean;
  /**
   * The most ranges one request may ask for; more, and the whole file is sent instead.
   * @default 50
   */
  maxRanges?: number;
  /**
   * Bytes per read. Files up to this size are read at once and sent as one chunk.
   * @default 65536
   */
  blockSize?: number;
  /**
   * Headers added to every file response (200, 206, 304), e.g. a `Content-Disposition`.
   * @default []
   */
  headers?: ResponseHeaders;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, so `httpErrors()` from @tsgi/errors, above,
   * renders it like every other error (and `cascade` still falls through a thrown 404
   * or 405). Here: the 403, 404, 405 (with `Allow`), 412 and 416 (with
   * `Content-Range`).
   * @default false
   */
  throwHttpErrors?: boolean;
}

export const FILE_DEFAULTS = {
  contentType: '',
  maxAge: 0,
  immutable: false,
  cacheControl: true,
  ranges: true,
  maxRanges: 50,
  blockSize: 64 * 1024,
  headers: [],
  throwHttpErrors: false,
} satisfies Required<FileResponseOptions>;

/** The options after checking, with defaults filled in. */
export interface FileConfig {
  readonly contentType: string | undefined;
  readonly maxAge: number;
  readonly immutable: boolean;
  readonly cacheControl: boolean;
  readonly ranges: boolean;
  readonly maxRanges: number;
  readonly blockSize: number;
  readonly headers: ResponseHeaders;
  readonly throwHttpErrors: boolean;
}

function integer(owner: string, name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${owner}: ${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}

function boolean(owner: string, name: string, value: boolean): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${owner}: ${name} must be true or false, got ${String(value)}`);
  return value;
}

/** Checks `options` and fills in defaults; a bad option throws a TypeError naming it. */
export function resolveFileOptions(options: FileResponseOptions, owner: string): FileConfig {
  const contentType = options.contentType;
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType === '')) {
    throw new TypeError(`${owner}: contentType must be a non-empty string such as 'text/plain', got ${String(contentType)}`);
  }
  const headers = options.headers ?? FILE_DEFAULTS.headers;
  const problem = checkHeaders(headers);
  if (problem !== undefined) throw new TypeError(`${owner}: headers: ${problem}`);
  return {
    contentType,
    maxAge: integer(owner, 'maxAge', options.maxAge ?? FILE_DEFAULTS.maxAge, 0),
    immutable: boolean(owner, 'immutable', options.immutable ?? FILE_DEFAULTS.immutable),
    cacheControl: boolean(owner, 'cacheControl', options.cacheControl ?? FILE_DEFAULTS.cacheControl),
    ranges: boolean(owner, 'ranges', options.ranges ?? FILE_DEFAULTS.ranges),
    maxRanges: integer(owner, 'maxRanges', options.maxRanges ?? FILE_DEFAULTS.maxRanges, 1),
    blockSize: integer(owner, 'blockSize', options.blockSize ?? FILE_DEFAULTS.blockSize, 1),
    headers: headers.map(([name, value]) => [name, value] as [string, string]),
    throwHttpErrors: boolean(owner, 'throwHttpErrors', options.throwHttpErrors ?? FILE_DEFAULTS.throwHttpErrors),
  };
}
