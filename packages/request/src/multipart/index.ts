/**
 * PLACEHOLDER, replaced at merge by the streaming multipart parser written in its own
 * branch. It fixes only the shape `request(environ).multipart()` delegates to, the
 * multipart branch's: `parseMultipart(environ, options?)` reads the Content-Type and
 * `environ['wsgi.input']` and yields one `Part` per form field or file, as it arrives.
 * @module
 */
import type { Environ } from '@tsgi/core';

/** Limits and choices of the multipart parser. */
export interface MultipartOptions {
  [option: string]: unknown;
}

/** One part of a `multipart/form-data` body. */
export interface Part {
  /** The form field's name (Content-Disposition `name`). */
  name: string;
  /** The file's name, for a file upload (Content-Disposition `filename`). */
  filename?: string;
  /** The part's Content-Type (`text/plain` when it has none). */
  contentType: string;
  /** The part's own headers. */
  headers: { get(name: string): string | null };
}

/** Streams the parts of a multipart/form-data body; not built yet in this branch. */
export function parseMultipart(_environ: Environ, _options?: MultipartOptions): AsyncIterable<Part> {
  throw new Error('parseMultipart: not built yet (placeholder until the multipart branch is merged)');
}
