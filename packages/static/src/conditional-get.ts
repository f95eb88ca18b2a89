/**
 * `conditionalGet()`: answers a GET or HEAD with `304 Not Modified` (or `412
 * Precondition Failed`) when the app's `200` carries an `ETag` or `Last-Modified`
 * that the request's `If-None-Match`/`If-Modified-Since` (or `If-Match`/
 * `If-Unmodified-Since`) says the client already has, as Rack::ConditionalGet does.
 * The app's body is then closed unread and an empty one sent; the 304 keeps the
 * app's headers but Content-Type, Content-Length and Content-Range (RFC 9110 15.4.5).
 * The rules and their order are RFC 9110 section 13.2.2's (preconditions.ts), the
 * same `staticFiles` uses. With `throwHttpErrors` the 412 is thrown as core's
 * `HttpError` instead, after the app's body is closed.
 *
 * The decision is made when the app calls `startResponse`: a response that is sent
 * as it is goes up at once; a 304 or 412 is held (core's `wrapResponse`) until the
 * app returns the body it replaces, and whatever the app writes is dropped. Only an
 * app that calls `startResponse` before returning its body can be answered for: one
 * that calls it lazily from inside a streaming body is passed through as is. Other
 * methods and statuses pass through untouched.
 *
 * Where in the stack: outside `etag()` (it needs the tag) and inside `gzip()`. There,
 * a client holding the compressed variant sends its `W/"..."` tag, which matches the
 * app's strong tag under the weak comparison If-None-Match uses, so it gets its 304;
 * If-Match and If-Range compare strongly, so a weak tag never passes them.
 *
 * @example
 * const app = compose(gzip(), conditionalGet(), etag())(inner);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13 (conditional requests)
 * @see https://github.com/rack/rack/blob/main/lib/rack/conditional_get.rb
 * @module
 */
import {
  HttpError,
  getHeader,
  statusCode,
  statusLine,
  wrapResponse,
  type Application,
  type Body,
  type Environ,
  type Middleware,
  type ResponseHead,
  type ResponseHeaders,
  type ResponseHooks,
  type StartResponse,
} from '@tsgi/core';
import { evaluate } from './preconditions.js';
import { textAnswer } from './static-answers.js';
import { parseHttpDate } from './validators.js';

export interface ConditionalGetOptions {
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, so `httpErrors()` from @tsgi/errors, above,
   * renders it like every other error (and `cascade` still falls through a thrown 404
   * or 405). Here: the 412, thrown once the app's body is closed.
   * @default false
   */
  throwHttpErrors?: boolean;
}

const DEFAULTS = { throwHttpErrors: false } satisfies Required<ConditionalGetOptions>;

const NOT_CONTENT = new Set(['content-type', 'content-length', 'content-range']);

/** The 304 headers: the app's, less what describes content that is not sent. */
function notModifiedHeaders(headers: ResponseHeaders): ResponseHeaders {
  return headers.filter(([name]) => !NOT_CONTENT.has(name.toLowerCase()));
}

/** One request: its environ, and the answer its preconditions call for (200: the app's). */
interface Conditional {
  environ: Environ;
  outcome: number;
}

/** Evaluates a 200's validators at startResponse: held only when the answer is a 304 or 412. */
function holdConditional(head: ResponseHead, request: Conditional): boolean {
  if (statusCode(head.status) !== 200) return false;
  const etag = getHeader(head.headers, 'etag');
  const lastModified = parseHttpDate(getHeader(head.headers, 'last-modified'));
  if (etag === undefined && lastModified === undefined) return false;
  request.outcome = evaluate(request.environ, { etag: etag?.trim(), lastModified });
  return request.outcome !== 200;
}

/** The hooks: the app's body is replaced by the 304 or 412 (and closed by the wrapper). */
function conditionalHooks(throwHttpErrors: boolean): ResponseHooks<Conditional> {
  return {
    passLazy: true,
    hold: holdConditional,
    respond(head, _body, request) {
      if (request.outcome === 304) {
        head.status = statusLine(304);
        head.headers = notModifiedHeaders(head.headers);
        return [];
      }
      // Thrown from here, after startResponse: the wrapper closes the app's body first.
      if (throwHttpErrors) throw new HttpError(412);
      const answer = textAnswer(412);
      head.status = answer.status;
      head.headers = answer.headers;
      return answer.body;
    },
  };
}

export function conditionalGet(options: ConditionalGetOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`conditionalGet: options must be an object, got ${String(options)}`);
  }
  const throwHttpErrors = options.throwHttpErrors ?? DEFAULTS.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean') {
    throw new TypeError(`conditionalGet: throwHttpErrors must be true or false, got ${String(throwHttpErrors)}`);
  }
  const hooks = conditionalHooks(throwHttpErrors);
  return function conditionalGetMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError('conditionalGet: the application to wrap must be a function');
    return function conditionalGetApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const method = environ.REQUEST_METHOD;
      // Only a request with a validator to check pays for the wrapper.
      if (
        (method !== 'GET' && method !== 'HEAD') ||
        (environ.HTTP_IF_NONE_MATCH === undefined &&
          environ.HTTP_IF_MODIFIED_SINCE === undefined &&
          environ.HTTP_IF_MATCH === undefined &&
          environ.HTTP_IF_UNMODIFIED_SINCE === undefined)
      ) {
        return app(environ, startResponse);
      }
      return wrapResponse(app, environ, startResponse, hooks, { environ, outcome: 200 });
    };
  };
}
