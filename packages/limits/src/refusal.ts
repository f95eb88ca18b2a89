/**
 * How `timeout()` and `bodyLimit()` refuse a request: a plain-text answer of one line
 * saying what went wrong (the default), or, with `throwHttpErrors`, core's `HttpError`
 * with that status and message for `httpErrors()` from `@tsgi/errors` above to render.
 *
 * Each answer gets a fresh header list: a layer above may edit it in place.
 *
 * @example
 * return refuse(startResponse, 413, 'request body of 2000000 bytes is over the limit of 1048576 bytes');
 * @module
 */
import { HttpError, statusLine, type Body, type StartResponse } from '@tsgi/core';

const encoder = new TextEncoder();

/** A `code` answer whose body is `message` and a newline. */
export function refuse(startResponse: StartResponse, code: number, message: string): Body {
  const body = encoder.encode(message + '\n');
  startResponse(statusLine(code), [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.byteLength)],
  ]);
  return [body];
}

/** The refusal as core's `HttpError`; its message is safe to show (it names sizes and times only). */
export function refusalError(code: number, message: string, cause?: unknown): HttpError {
  return new HttpError(code, message, { expose: true, cause });
}
