/**
 * Recognising a `wsgi.file_wrapper` body, which the gateway sends by its own fast
 * path (a read stream piped to the socket) when the body reaches it unchanged. The
 * logger leaves such a body as it is and takes its length from the app's
 * `Content-Length`, or else from the file, as the gateway does.
 *
 * @example
 * if (isFileBody(body)) bytes = fileBodyLength(body, headers);
 * @see https://peps.python.org/pep-3333/#optional-platform-specific-file-handling
 * @module
 */
import { getHeader, nodeBuiltin, type Body, type ResponseHeaders } from '@tsgi/core';
import type fs from 'node:fs';

/** The tag @tsgi/server puts on its file bodies; `Symbol.for`, so no import is needed. */
const FILE_BODY = Symbol.for('tsgi.file_wrapper');

/** A file body as @tsgi/server makes it: tagged, with the path or FileHandle it sends. */
export type FileBodyLike = Body & { readonly file: string | { readonly fd: number } };

export function isFileBody(body: Body): body is FileBodyLike {
  return (body as { [FILE_BODY]?: unknown })[FILE_BODY] === true;
}

/** The bytes the gateway will send for `body`: its Content-Length, or the file's size (0 if unknown). */
export function fileBodyLength(body: FileBodyLike, headers: ResponseHeaders | undefined): number {
  const declared = headers && getHeader(headers, 'Content-Length');
  if (declared !== undefined && /^\d+$/.test(declared)) return Number(declared);
  try {
    // Synchronous, once per file response without a Content-Length: the size is
    // needed now, and the inode of a file about to be sent is normally cached.
    // Only @tsgi/server makes file bodies, so node:fs is there (looked up, not imported).
    const { fstatSync, statSync } = nodeBuiltin<typeof fs>('node:fs')!;
    const file = body.file;
    return typeof file === 'string' ? statSync(file).size : fstatSync(file.fd).size;
  } catch {
    return 0;
  }
}
