/**
 * The multipart parser's options, their defaults and why, checked once per call
 * against `MULTIPART_DEFAULTS`: a bad option is a `TypeError` naming it. Every limit
 * refuses the request with an `HttpError` 413 whose message names the option to raise.
 *
 * Why these numbers:
 * - `maxParts` 1000 and `maxFieldSize` 500 000 bytes: Werkzeug's `max_form_parts` and
 *   `max_form_memory_size`. A field is held in memory, so the budget is for all the
 *   fields of a request together (busboy's `fieldSize` of 1 MiB is per field, which
 *   lets 1000 fields hold 1 GB).
 * - `maxFileSize` 100 MiB: a photo or a document, not a disk image. busboy and
 *   Werkzeug have no default file limit; a server that wants bigger uploads says so.
 * - `maxFiles` 100: a multi-select of photos; each file may be a temp file.
 * - `maxTotalSize` 1 GiB: the whole body, checked against CONTENT_LENGTH before a
 *   byte is read and while reading a chunked body.
 * - `maxHeaderSize` 8 KiB per part: @mjackson/multipart-parser's default; a part's
 *   headers are a Content-Disposition and a Content-Type.
 * - `fileMemoryThreshold` 500 000 bytes: Werkzeug's spool threshold; `store()` keeps a
 *   smaller file in memory and writes a larger one to a temp file.
 *
 * @example
 * parseMultipart(environ, { maxFileSize: 1024 ** 3, maxFiles: 1 });
 * @module
 */

export interface MultipartOptions {
  /**
   * Most parts (fields and files together); one more is a 413.
   * @default 1000
   */
  maxParts?: number;
  /**
   * Most bytes of field values (parts without a file name), all fields of the
   * request together, since each is held in memory. Past it: 413.
   * @default 500000
   */
  maxFieldSize?: number;
  /**
   * Most bytes in one file part. Past it: 413, and a temp file written so far is removed.
   * @default 104857600 (100 MiB)
   */
  maxFileSize?: number;
  /**
   * Most file parts (parts with a file name). Past it: 413.
   * @default 100
   */
  maxFiles?: number;
  /**
   * Most bytes of the whole body. A larger CONTENT_LENGTH is refused before reading.
   * @default 1073741824 (1 GiB)
   */
  maxTotalSize?: number;
  /**
   * Most bytes of one part's header block. Past it: 413.
   * @default 8192
   */
  maxHeaderSize?: number;
  /**
   * `part.store()` keeps a file up to this size in memory and writes a larger one to a
   * temp file (removed by `cleanup()`). On a runtime without `node:fs` a larger file
   * is a 413: stream it, or give `readMultipartForm` an `onFile` sink.
   * @default 500000
   */
  fileMemoryThreshold?: number;
  /**
   * Where `store()` writes temp files.
   * @default os.tmpdir()
   */
  tempDir?: string;
}

export type ResolvedMultipartOptions = Required<Omit<MultipartOptions, 'tempDir'>> & { tempDir: string | undefined };

export const MULTIPART_DEFAULTS = {
  maxParts: 1000,
  maxFieldSize: 500_000,
  maxFileSize: 100 * 1024 * 1024,
  maxFiles: 100,
  maxTotalSize: 1024 * 1024 * 1024,
  maxHeaderSize: 8 * 1024,
  fileMemoryThreshold: 500_000,
} satisfies Omit<ResolvedMultipartOptions, 'tempDir'>;

type NumberOption = keyof typeof MULTIPART_DEFAULTS;
const NUMBER_OPTIONS = Object.keys(MULTIPART_DEFAULTS) as NumberOption[];

/** Fills defaults and checks each option; throws a `TypeError` naming a bad one. */
export function resolveMultipartOptions(options: MultipartOptions = {}): ResolvedMultipartOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`parseMultipart: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const resolved: ResolvedMultipartOptions = { ...MULTIPART_DEFAULTS, tempDir: undefined };
  for (const key of NUMBER_OPTIONS) {
    const value = options[key];
    if (value === undefined) continue;
    // Infinity is allowed (no limit); NaN, negatives and fractions are not.
    if (typeof value !== 'number' || !(value >= 0) || (Number.isFinite(value) && !Number.isInteger(value))) {
      throw new TypeError(`parseMultipart: ${key} must be a whole number >= 0 or Infinity, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  if (options.tempDir !== undefined) {
    if (typeof options.tempDir !== 'string' || options.tempDir === '') {
      throw new TypeError(`parseMultipart: tempDir must be a directory path, got ${JSON.stringify(options.tempDir)}`);
    }
    resolved.tempDir = options.tempDir;
  }
  return resolved;
}
