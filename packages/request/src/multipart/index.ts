/**
 * Streamed `multipart/form-data` for tsgi: `parseMultipart(environ)` reads
 * `wsgi.input` part by part as the app asks, never more than the part it is on, with
 * limits on every dimension a client controls (parts, files, field bytes, file bytes,
 * header bytes, total bytes), each a 413 naming the option to raise; a malformed body
 * is a 400, another Content-Type a 415.
 *
 * Where it goes: inside the app (or `request(environ).multipart()`), which reads the
 * body. It loads no `node:` module: temp files use node:fs looked up at first use,
 * so the same code runs on fetch runtimes (there a file above `fileMemoryThreshold`
 * must be streamed, `part.stream()` / `pipeTo`, or it is a 413).
 *
 * Cleanup: temp files live until `parts.cleanup()` (errors remove them at once). The
 * request object should call it when the response body closes, which the gateway
 * does exactly once however the request ends (done, error, client gone), with core's
 * `onClose(body, () => parts.cleanup())` on the body the app returns; an app without
 * it calls `cleanup()` in a `finally`.
 *
 * @example
 * const parts = parseMultipart(environ, { maxFileSize: 20 * 1024 * 1024 });
 * for await (const part of parts) {
 *   if (!part.isFile) fields.set(part.name, await part.text());
 *   else uploads.push(await part.store()); // memory, or a temp file past 500 kB
 * }
 *
 * @see https://www.rfc-editor.org/rfc/rfc7578 (multipart/form-data)
 * @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1 (multipart syntax)
 * @module
 */
import type { Environ } from '@tsgi/core';
import type { MultipartOptions } from './options.js';
import { MultipartParts } from './parts.js';

/**
 * The parts of the request's multipart/form-data body, read as they are iterated.
 * Throws at once a `TypeError` for a bad option and an `HttpError` (415, 400 or 413)
 * for a request that cannot be a valid multipart body.
 */
export function parseMultipart(environ: Environ, options?: MultipartOptions): MultipartParts {
  return new MultipartParts(environ, options);
}

export { MultipartParts } from './parts.js';
export { Part, type FileSink } from './part.js';
export { StoredFile, type PartInfo } from './stored-file.js';
export { MULTIPART_DEFAULTS, type MultipartOptions } from './options.js';
export { readMultipartForm, MultipartForm, type MultipartFormOptions } from './form.js';
