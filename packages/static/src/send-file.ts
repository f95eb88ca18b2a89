/**
 * The response for one open file: validators and cache headers, preconditions
 * (304/412), ranges (206, multipart/byteranges, 416), and the body. Both
 * `fileResponse()` and `staticFiles()` end here, after they have found and opened
 * the file; from here on the handle belongs to the response, which closes it.
 *
 * The body, by case: HEAD, 304, 412, 416 close the file at once. A whole file of at
 * most `blockSize` bytes is read in one call and sent as one chunk (the gateway's
 * fastest path). A larger whole file goes to `wsgi.file_wrapper` when the server
 * offers one (node streams it straight to the socket); ranges, and runtimes without
 * a file wrapper, get a `FileRangeBody` of positioned reads.
 *
 * @example
 * return sendFile({ handle, stat, path }, environ, startResponse, config, { contentType: 'text/css' });
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13 (conditional requests)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-14 (range requests)
 * @module
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { statusLine, type Body, type Environ, type ResponseHeaders, type StartResponse } from '@tsgi/core';
import { contentETag } from './content-etag.js';
import { FileRangeBody } from './file-range-body.js';
import type { FileConfig } from './file-options.js';
import { byteRangesLayout, newBoundary } from './multipart.js';
import { release } from './open-file.js';
import { evaluate, ifRangeAllows, type Validators } from './preconditions.js';
import { parseRange } from './ranges.js';
import { refuse } from './static-answers.js';
import { httpDate, statETag } from './validators.js';

/** A file opened for a response. */
export interface OpenFile {
  readonly handle: FileHandle;
  readonly stat: Stats;
  /** Its path on disk (the content-hash cache key). */
  readonly path: string;
}

/** What the caller decided about this response beyond the options. */
export interface FileVariant {
  readonly contentType: string;
  /** The file's own coding when it is a precompressed sibling (`br`, `gzip`). */
  readonly encoding?: string;
  /** Add `Vary: Accept-Encoding`: the file was chosen by the request's Accept-Encoding. */
  readonly vary?: boolean;
  /** Treat as immutable (hash ETag, a year's Cache-Control) whatever the options say. */
  readonly immutable?: boolean;
}

const YEAR = 'public, max-age=31536000, immutable';

/** Sends `file`; see the module comment. Closes the handle on every path. */
export async function sendFile(
  file: OpenFile,
  environ: Environ,
  startResponse: StartResponse,
  config: FileConfig,
  variant: FileVariant,
): Promise<Body> {
  const { handle, stat } = file;
  try {
    const immutable = variant.immutable ?? config.immutable;
    const etag = immutable ? await contentETag(handle, stat, file.path) : statETag(stat.size, stat.mtimeMs);
    const validators: Validators = { etag, lastModified: stat.mtimeMs };
    // The headers a 304 repeats (RFC 9110 15.4.5), then the ones only content carries.
    const headers: ResponseHeaders = [['ETag', etag], ['Last-Modified', httpDate(stat.mtimeMs)]];
    if (config.cacheControl) headers.push(['Cache-Control', immutable ? YEAR : `public, max-age=${config.maxAge}`]);
    if (variant.vary) headers.push(['Vary', 'Accept-Encoding']);
    for (const pair of config.headers) headers.push([pair[0], pair[1]]);

    const outcome = evaluate(environ, validators);
    if (outcome === 304) {
      release(handle);
      startResponse(statusLine(304), headers);
      return [];
    }
    if (outcome === 412) {
      release(handle);
      return refuse(config.throwHttpErrors, startResponse, 412);
    }

    const size = stat.size;
    if (variant.encoding !== undefined) headers.push(['Content-Encoding', variant.encoding]);
    if (config.ranges) headers.push(['Accept-Ranges', 'bytes']);
    const get = environ.REQUEST_METHOD === 'GET';
    const rangeHeader = environ.HTTP_RANGE;
    if (get && config.ranges && rangeHeader !== undefined && ifRangeAllows(environ, validators)) {
      const ranges = parseRange(rangeHeader, size, config.maxRanges);
      if (ranges === 'unsatisfiable') {
        release(handle);
        return refuse(config.throwHttpErrors, startResponse, 416, [['Content-Range', `bytes */${size}`]]);
      }
      if (ranges !== undefined && ranges.length === 1) {
        const { start, end } = ranges[0]!;
        headers.push(
          ['Content-Type', variant.contentType],
          ['Content-Range', `bytes ${start}-${end}/${size}`],
          ['Content-Length', String(end - start + 1)],
        );
        startResponse(statusLine(206), headers);
        return new FileRangeBody(handle, ranges, config.blockSize);
      }
      if (ranges !== undefined) {
        const layout = byteRangesLayout(ranges, size, variant.contentType, newBoundary());
        headers.push(['Content-Type', layout.contentType], ['Content-Length', String(layout.length)]);
        startResponse(statusLine(206), headers);
        return new FileRangeBody(handle, layout.parts, config.blockSize);
      }
    }

    headers.push(['Content-Type', variant.contentType]);
    if (!get || size === 0) {
      release(handle);
      headers.push(['Content-Length', String(size)]);
      startResponse(statusLine(200), headers);
      return [];
    }
    if (size <= config.blockSize) {
      const bytes = await readSmall(handle, size);
      headers.push(['Content-Length', String(bytes.byteLength)]);
      startResponse(statusLine(200), headers);
      return [bytes];
    }
    headers.push(['Content-Length', String(size)]);
    startResponse(statusLine(200), headers);
    const wrapper = environ['wsgi.file_wrapper'];
    if (typeof wrapper === 'function') return wrapper(handle, config.blockSize);
    return new FileRangeBody(handle, [{ start: 0, end: size - 1 }], config.blockSize);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}


/** The whole of a small file in one buffer, and the handle closed. */
async function readSmall(handle: FileHandle, size: number): Promise<Uint8Array> {
  try {
    const buffer = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break; // shrank since fstat: send what there is, with its length
      filled += bytesRead;
    }
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    release(handle);
  }
}
