/**
 * `bodyLimit({ limit })`: refuses request bodies larger than `limit` bytes with
 * `413 Content Too Large` and a one-line reason. A declared `CONTENT_LENGTH` over
 * the limit is refused before the app runs (nothing is read; a client that sent
 * `Expect: 100-continue` never sends the body). A body of undeclared length (chunked,
 * or a fetch stream) gets a `wsgi.input` that rejects with core's `HttpError` 413 at
 * the read that passes the limit, whatever the app uses to read (`read`, `readline`,
 * iteration, `readBody`); when the app lets that error escape before its response
 * started, this layer answers the 413. An app that catches it answers as it likes.
 *
 * Request: `wsgi.input` replaced for undeclared lengths only (the gateway already
 * stops at CONTENT_LENGTH). Response: for those, held by core's response wrapper
 * until the app answers, so that an error from a lazy app's first iteration is still
 * answered 413; otherwise untouched (an array body stays the same array).
 *
 * Where in the stack: outside anything that reads the body (body parsers, multipart,
 * the app), inside the access log and `httpErrors()`. Per route by mounting it there
 * with a different limit.
 *
 * @example
 * import { bodyLimit } from '@tsgi/limits';
 * const app = compose(accessLog(), bodyLimit({ limit: 100 * 1024 }))(inner);
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14 (413 Content Too Large)
 * @see https://hono.dev/docs/middleware/builtin/body-limit
 * @module
 */
import { isPromise, wrapResponse, type Application, type Body, type Environ, type Middleware, type ResponseHooks, type StartResponse } from '@tsgi/core';
import { LimitedInput } from './limited-input.js';
import { checkOption, checkThrowHttpErrors, isNonNegativeInteger } from './options.js';
import { refusalError, refuse } from './refusal.js';

export interface BodyLimitOptions {
  /** Largest request body accepted, in bytes. @default 1048576 (1 MiB, as core's readBody) */
  limit?: number;
  /**
   * Throw core's `HttpError` instead of answering an error itself, with the status and
   * headers that answer would carry, for `httpErrors()` from `@tsgi/errors` above to
   * render. Here: the 413.
   * @default false
   */
  throwHttpErrors?: boolean;
}

const DEFAULTS = {
  limit: 1024 * 1024,
  throwHttpErrors: false,
} satisfies Required<BodyLimitOptions>;

// A pure hold: the head waits until the app's body is known, so that an error before
// it (a lazy app's first iteration included) comes out of the app call with nothing sent.
const hold: ResponseHooks<undefined> = {
  respond: (_head, body) => body,
};

/** 413 Content Too Large for request bodies over `limit` bytes, declared or streamed. */
export function bodyLimit(options: BodyLimitOptions = {}): Middleware {
  const limit = checkOption('bodyLimit', 'limit', options.limit, DEFAULTS.limit, isNonNegativeInteger, 'a whole number of bytes >= 0');
  const throwHttpErrors = checkThrowHttpErrors('bodyLimit', options.throwHttpErrors);

  function declaredTooLarge(length: number, startResponse: StartResponse): Body {
    const message = `request body of ${length} bytes is over the limit of ${limit} bytes`;
    if (throwHttpErrors) throw refusalError(413, message);
    return refuse(startResponse, 413, message);
  }

  return function bodyLimitMiddleware(app: Application): Application {
    return function bodyLimitApp(environ: Environ, startResponse: StartResponse) {
      const declared = environ.CONTENT_LENGTH;
      if (declared) {
        const length = Number(declared);
        return length > limit ? declaredTooLarge(length, startResponse) : app(environ, startResponse);
      }
      const input = new LimitedInput(environ['wsgi.input'], limit);
      environ['wsgi.input'] = input;
      if (throwHttpErrors) return wrapResponse(app, environ, startResponse, hold, undefined);
      const result = wrapResponse(app, environ, startResponse, hold, undefined);
      if (!isPromise(result)) return result;
      // Our own 413 escaping before the response started is answered here; any other
      // error travels on. (A synchronous throw cannot be it: every read is asynchronous.)
      return Promise.resolve(result).then(undefined, (error: unknown) => {
        if (input.refusal === undefined || error !== input.refusal) throw error;
        return refuse(startResponse, 413, input.refusal.message);
      });
    };
  };
}
