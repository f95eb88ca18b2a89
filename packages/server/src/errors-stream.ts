/**
 * `wsgi.errors`: the text stream an application logs to, and where the gateway
 * reports the errors it turns into 500s or cut connections (core's `ResponseDriver`
 * writes those lines). By default it writes to
 * `process.stderr`; `serve({ errors })` takes any node Writable, an `ErrorStream`, or a
 * function that gets each message (the forms every gateway's `errors` option takes).
 *
 * @example
 * environ['wsgi.errors'].write(`cache miss for ${environ.PATH_INFO}\n`);
 *
 * @see https://peps.python.org/pep-3333/#input-and-error-streams
 * @module
 */
import type { ErrorStream } from '@tsgi/core';
import { toErrorStream as errorStreamOf, type ErrorsOption } from '@tsgi/core/gateway';

/** The forms every gateway's `errors` option takes (core's): an ErrorStream, a `write(text)` stream, a function. */
export type { ErrorsOption };

/** Wraps `target` as an `ErrorStream` unless it already is one. */
export function toErrorStream(target: ErrorsOption = process.stderr): ErrorStream {
  return errorStreamOf(target, 'tsgi server');
}
