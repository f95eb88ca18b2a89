/**
 * Conditional requests (RFC 9110 section 13): what a GET or HEAD with `If-Match`,
 * `If-Unmodified-Since`, `If-None-Match` or `If-Modified-Since` should get, given the
 * response's validators, in the order section 13.2.2 sets:
 *
 * 1. `If-Match` (strong comparison) false -> 412; without it, `If-Unmodified-Since`
 *    earlier than Last-Modified -> 412.
 * 2. `If-None-Match` (weak comparison) true -> 304; without it, `If-Modified-Since`
 *    not earlier than Last-Modified -> 304. A date that does not parse is ignored.
 * 3. `If-Range` (section 13.1.5) decides whether `Range` applies: a strong tag that
 *    matches strongly, or a date equal to Last-Modified; anything else means "send
 *    the whole representation".
 *
 * Shared by `staticFiles`/`fileResponse` and the `conditionalGet()` middleware.
 *
 * @example
 * evaluate(environ, { etag: '"a-1"', lastModified: undefined }); // 304 when If-None-Match lists "a-1"
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2 (precedence)
 * @module
 */
import type { Environ } from '@tsgi/core';
import { listMatches, parseHttpDate, strongMatch, toSeconds, weakMatch, isWeak } from './validators.js';

/** The validators a response carries. */
export interface Validators {
  /** The ETag header value, quotes (and any `W/`) included. */
  readonly etag: string | undefined;
  /** Last-Modified in ms (whole seconds count). */
  readonly lastModified: number | undefined;
}

/** What the preconditions say: go on (200), not modified (304), or failed (412). */
export type PreconditionOutcome = 200 | 304 | 412;

/** Evaluates the preconditions of a GET or HEAD; see the module comment. */
export function evaluate(environ: Environ, validators: Validators): PreconditionOutcome {
  const ifMatch = environ.HTTP_IF_MATCH;
  const { etag, lastModified } = validators;
  if (ifMatch !== undefined) {
    if (!listMatches(ifMatch, etag, strongMatch)) return 412;
  } else if (lastModified !== undefined) {
    const since = parseHttpDate(environ.HTTP_IF_UNMODIFIED_SINCE);
    if (since !== undefined && toSeconds(lastModified) > since) return 412;
  }
  const ifNoneMatch = environ.HTTP_IF_NONE_MATCH;
  if (ifNoneMatch !== undefined) {
    if (listMatches(ifNoneMatch, etag, weakMatch)) return 304;
  } else if (lastModified !== undefined) {
    const since = parseHttpDate(environ.HTTP_IF_MODIFIED_SINCE);
    if (since !== undefined && toSeconds(lastModified) <= since) return 304;
  }
  return 200;
}

/** Whether a `Range` header may be honoured: true without `If-Range`, else its validator must match. */
export function ifRangeAllows(environ: Environ, validators: Validators): boolean {
  const ifRange = environ.HTTP_IF_RANGE?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || isWeak(ifRange)) {
    return validators.etag !== undefined && strongMatch(ifRange, validators.etag);
  }
  const date = parseHttpDate(ifRange);
  // An exact match only: a date is a weak validator unless it is the very one sent.
  return date !== undefined && validators.lastModified !== undefined && toSeconds(validators.lastModified) === date;
}
