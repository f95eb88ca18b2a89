/**
 * The answer when the session store fails: `503 Service Unavailable` with a one-line
 * text body and `Retry-After: 5`, built without the app; or, with `throwHttpErrors`,
 * core's `HttpError` (the store's error as its `cause`) for `httpErrors()` from
 * @tsgi/errors to render, as the sibling middleware do.
 *
 * @example
 * return storeUnavailable(startResponse);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4 (503 Service Unavailable)
 * @module
 */
import { HttpError, statusLine, type Body, type ResponseHead, type ResponseHeaders, type StartResponse } from '@tsgi/core';

const TEXT = 'Service unavailable: the session store does not answer; retry shortly.';
const BODY = new TextEncoder().encode(TEXT + '\n');
const STATUS = statusLine(503);
const HEADERS: ResponseHeaders = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['Content-Length', String(BODY.byteLength)],
  ['Retry-After', '5'],
  ['Cache-Control', 'no-store'],
];

/** The 503, answered. */
export function storeUnavailable(startResponse: StartResponse): Body {
  startResponse(STATUS, HEADERS.slice());
  return [BODY];
}

/** The 503 in place of a response the app made (its body is closed by the wrapper). */
export function replaceWithUnavailable(head: ResponseHead): Body {
  head.status = STATUS;
  head.headers = HEADERS.slice();
  return [BODY];
}

export function storeUnavailableError(cause: unknown): HttpError {
  return new HttpError(503, TEXT, { cause, headers: [['Retry-After', '5']] });
}
