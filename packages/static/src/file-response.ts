/**
 * `fileResponse(path, environ, startResponse, options)`: answers a request with one
 * file, for an app or route that has already decided which file it is (a download, an
 * SPA's index.html). It does everything `staticFiles` does for a file, without the
 * URL-to-path part: Content-Type from the extension (or `options.contentType`),
 * validators, Cache-Control, conditional requests, ranges, and a body that streams.
 * A missing file is 404, an unreadable one 403, a directory 404; methods other than
 * GET and HEAD get 405 (thrown as `HttpError`s instead with `throwHttpErrors`).
 *
 * `path` is trusted: never build it from the request without checking it; for that,
 * use `staticFiles`.
 *
 * @example
 * const download: Application = (environ, startResponse) =>
 *   fileResponse('./reports/2026.pdf', environ, startResponse, {
 *     headers: [['Content-Disposition', 'attachment; filename="2026.pdf"']],
 *   });
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13 (conditional requests)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-14 (range requests)
 * @module
 */
import { basename } from 'node:path';
import type { Body, Environ, StartResponse } from '@tsgi/core';
import { resolveFileOptions, type FileConfig, type FileResponseOptions } from './file-options.js';
import { contentTypeFor } from './mime.js';
import { openFile, release } from './open-file.js';
import { isReadMethod, methodNotAllowed, refuse } from './static-answers.js';
import { sendFile } from './send-file.js';

export type { FileResponseOptions } from './file-options.js';

// An app usually passes the same options object every time: check it once.
const resolved = new WeakMap<FileResponseOptions, FileConfig>();
const NO_OPTIONS: FileResponseOptions = {};

/** Answers with the file at `path`; see the module comment. */
export async function fileResponse(
  path: string,
  environ: Environ,
  startResponse: StartResponse,
  options: FileResponseOptions = NO_OPTIONS,
): Promise<Body> {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`fileResponse: path must be a file path, got ${String(path)}`);
  }
  let config = resolved.get(options);
  if (config === undefined) {
    config = resolveFileOptions(options, 'fileResponse');
    resolved.set(options, config);
  }
  if (!isReadMethod(environ.REQUEST_METHOD)) return methodNotAllowed(config.throwHttpErrors, startResponse);
  const file = await openFile(path);
  if (typeof file === 'number') return refuse(config.throwHttpErrors, startResponse, file);
  if (!file.stat.isFile()) {
    release(file.handle);
    return refuse(config.throwHttpErrors, startResponse, 404);
  }
  const contentType = config.contentType ?? contentTypeFor(basename(path));
  return sendFile(file, environ, startResponse, config, { contentType });
}
