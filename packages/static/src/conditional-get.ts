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
 * Only an app that calls `startResponse` before returning its body can be answered
 * for: one that calls it lazily from inside a streaming body is passed through as is.
 * Other methods and statuses pass through untouched.
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
  closeBody,
  getHeader,
  statusCode,
  statusLine,
  type Application,
  type Body,
  type Environ,
  type Middleware,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';
import { evaluate } from './preconditions.js';
import { textResponse } from './responses.js';
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
const dropWrite: Write = () => undefined;

/** The 304 headers: the app's, less what describes content that is not sent. */
function notModifiedHeaders(headers: ResponseHeaders): ResponseHeaders {
  return headers.filter(([name]) => !NOT_CONTENT.has(name.toLowerCase()));
}

/** One request's decision, made when the app calls startResponse. */
class ConditionalResponse {
  /** What the app's body is replaced with, once the app returns it; null to pass it on. */
  replacement: Body | null = null;
  /** The 412 to throw instead, under `throwHttpErrors`. */
  private refusal: HttpError | null = null;
  private returned = false;

  constructor(
    private readonly environ: Environ,
    private readonly upstream: StartResponse,
    private readonly throwHttpErrors: boolean,
  ) {}

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    if (this.returned || excInfo !== undefined || statusCode(status) !== 200) return this.upstream(status, headers, excInfo);
    const etag = getHeader(headers, 'etag');
    const lastModified = parseHttpDate(getHeader(headers, 'last-modified'));
    if (etag === undefined && lastModified === undefined) return this.upstream(status, headers);
    const outcome = evaluate(this.environ, { etag: etag?.trim(), lastModified });
    if (outcome === 200) return this.upstream(status, headers);
    if (outcome === 304) {
      this.upstream(statusLine(304), notModifiedHeaders(headers));
      this.replacement = [];
    } else if (this.throwHttpErrors) {
      // Thrown from finish(), not from here: the app's body must be closed first.
      this.refusal = new HttpError(412);
    } else {
      this.replacement = textResponse(this.upstream, 412);
    }
    // Whatever the app writes belongs to the response that is not being sent.
    return dropWrite;
  };

  /** The body to return: the app's, or the replacement after closing the app's. */
  finish(body: Body): Body | Promise<Body> {
    this.returned = true;
    const refusal = this.refusal;
    if (refusal !== null) {
      return closeBody(body).then(() => {
        throw refusal;
      });
    }
    const replacement = this.replacement;
    if (replacement === null) return body;
    return closeBody(body).then(() => replacement);
  }
}

export function conditionalGet(options: ConditionalGetOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`conditionalGet: options must be an object, got ${String(options)}`);
  }
  const throwHttpErrors = options.throwHttpErrors ?? DEFAULTS.throwHttpErrors;
  if (typeof throwHttpErrors !== 'boolean') {
    throw new TypeError(`conditionalGet: throwHttpErrors must be true or false, got ${String(throwHttpErrors)}`);
  }
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
      const response = new ConditionalResponse(environ, startResponse, throwHttpErrors);
      const body = app(environ, response.startResponse);
      if (typeof (body as Promise<Body>).then === 'function') return (body as Promise<Body>).then((b) => response.finish(b));
      return response.finish(body as Body);
    };
  };
}
