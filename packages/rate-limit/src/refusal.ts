/**
 * The answers `rateLimit()` gives without calling the app: `429 Too Many Requests`
 * (RFC 6585 section 4) with `Retry-After` and the RateLimit fields, and the
 * fail-closed `503 Service Unavailable` when the store is down; or, with
 * `throwHttpErrors`, the same as core's `HttpError` for `httpErrors()` to render.
 * A custom `handler` answers the 429 instead, its response completed by the hooks here.
 *
 * @example
 * return tooManyRequests(startResponse, info, plan);
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 (Retry-After)
 * @module
 */
import { HttpError, hasHeader, statusCode, statusLine, type Body, type ResponseHeaders, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { retryAfter, withQuotaHeaders, type HeaderPlan, type RateLimitInfo } from './headers.js';

const encoder = new TextEncoder();
const TOO_MANY_TEXT = 'Too many requests: the rate limit was reached; retry later.';
const UNAVAILABLE_TEXT = 'Service unavailable: the rate limit store does not answer.';
const TOO_MANY_BODY = encoder.encode(TOO_MANY_TEXT + '\n');
const UNAVAILABLE_BODY = encoder.encode(UNAVAILABLE_TEXT + '\n');
const TOO_MANY = statusLine(429);
const UNAVAILABLE = statusLine(503);
const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** `Retry-After` and the RateLimit fields of a refusal. */
function refusalHeaders(info: RateLimitInfo, plan: HeaderPlan): ResponseHeaders {
  const seconds = retryAfter(info);
  return withQuotaHeaders(seconds === undefined ? [] : [['Retry-After', String(seconds)]], info, plan);
}

/** The default 429. */
export function tooManyRequests(startResponse: StartResponse, info: RateLimitInfo, plan: HeaderPlan): Body {
  startResponse(TOO_MANY, [TEXT, ['Content-Length', String(TOO_MANY_BODY.byteLength)], ...refusalHeaders(info, plan)]);
  return [TOO_MANY_BODY];
}

/** The 429 as an HttpError, for `throwHttpErrors`. */
export function tooManyRequestsError(info: RateLimitInfo, plan: HeaderPlan): HttpError {
  return new HttpError(429, TOO_MANY_TEXT, { headers: refusalHeaders(info, plan) });
}

/** The fail-closed 503. */
export function storeUnavailable(startResponse: StartResponse): Body {
  startResponse(UNAVAILABLE, [TEXT, ['Content-Length', String(UNAVAILABLE_BODY.byteLength)]]);
  return [UNAVAILABLE_BODY];
}

export function storeUnavailableError(cause: unknown): HttpError {
  return new HttpError(503, UNAVAILABLE_TEXT, { cause });
}

/** The RateLimit fields on a counted response the app made (head only: core's wrapper hands the body up untouched). */
export function quotaHooks(plan: HeaderPlan): ResponseHooks<RateLimitInfo> {
  return {
    start(head, info) {
      head.headers = withQuotaHeaders(head.headers, info, plan);
    },
  };
}

/** For a `handler`'s refusal: the RateLimit fields and, on a 429, `Retry-After`, each unless it set them. */
export function handlerHooks(plan: HeaderPlan): ResponseHooks<RateLimitInfo> {
  return {
    start(head, info) {
      let headers = head.headers;
      if (!hasHeader(headers, 'ratelimit') && !hasHeader(headers, 'ratelimit-limit')) headers = withQuotaHeaders(headers, info, plan);
      const seconds = retryAfter(info);
      if (seconds !== undefined && statusCode(head.status) === 429 && !hasHeader(headers, 'retry-after')) {
        headers = [...headers, ['Retry-After', String(seconds)]];
      }
      head.headers = headers;
    },
  };
}
