/**
 * `requestId()`: gives every request an id, so that a log line, an error report and
 * the response a client got can be matched up. Request: reuses the incoming
 * `X-Request-Id` when it is safe (RFC 9110 token characters, at most `maxLength`;
 * anything else, such as a value with spaces, quotes, CR/LF or 10 kB of it, is
 * replaced, never echoed), else makes one with `crypto.randomUUID()`, and puts it in
 * `environ['tsgi.request_id']`. Response: adds the id as `X-Request-Id` unless the app
 * set that header itself; status, other headers and the body pass untouched (an
 * array body stays the same array).
 *
 * Where in the stack: outermost, before `accessLog()` (which then logs this id and
 * makes none of its own) and before anything that reports errors.
 *
 * @example
 * import { requestId } from '@tsgi/request-id';
 * const app = compose(requestId(), accessLog())(inner);
 * // inner reads environ['tsgi.request_id']; the client gets it back as X-Request-Id
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2 (token)
 * @see https://hono.dev/docs/middleware/builtin/request-id
 * @module
 */
import {
  getHeader,
  isToken,
  isValidHeaderValue,
  wrapResponse,
  type Application,
  type Environ,
  type Middleware,
  type ResponseHooks,
} from '@tsgi/core';
import { isValidRequestId, MAX_REQUEST_ID_LENGTH } from './request-id-value.js';

export interface RequestIdOptions {
  /**
   * The request header read for an incoming id and the response header the id is
   * sent back in.
   * @default 'X-Request-Id'
   */
  header?: string;
  /**
   * Reuse a valid incoming id. `false` makes a new id for every request: for a server
   * that clients reach directly, when ids must not be chosen by them.
   * @default true
   */
  trustIncoming?: boolean;
  /** The longest incoming id reused; a longer one is replaced. @default 200 */
  maxLength?: number;
  /**
   * Makes an id when there is no valid incoming one; it must return a non-empty
   * string that is a valid header value. `requestIdGenerator()` from this package is a
   * cheaper one (a random per-process prefix and a counter).
   * @default () => crypto.randomUUID()
   */
  generate?: (environ: Environ) => string;
  /** Add the id to the response as `header`. @default true */
  responseHeader?: boolean;
}

const DEFAULTS = {
  header: 'X-Request-Id',
  trustIncoming: true,
  maxLength: MAX_REQUEST_ID_LENGTH,
  // Looked up on each call, not at import: Workers forbid random bytes at module scope.
  generate: () => crypto.randomUUID(),
  responseHeader: true,
} satisfies Required<RequestIdOptions>;

/** The environ key the id is kept in. */
export const REQUEST_ID_KEY = 'tsgi.request_id';

function check<T>(name: keyof RequestIdOptions, value: T | undefined, fallback: T, ok: (value: T) => boolean, expected: string): T {
  if (value === undefined) return fallback;
  if (!ok(value)) {
    const seen = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new TypeError(`requestId: option ${name} must be ${expected}, got ${seen}`);
  }
  return value;
}

const isBoolean = (value: unknown): boolean => typeof value === 'boolean';

/** Request ids: a validated incoming one or a new one, in the environ and the response. */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = check('header', options.header, DEFAULTS.header, (h) => typeof h === 'string' && isToken(h), 'a header name');
  const trustIncoming = check('trustIncoming', options.trustIncoming, DEFAULTS.trustIncoming, isBoolean, 'true or false');
  const maxLength = check('maxLength', options.maxLength, DEFAULTS.maxLength, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const generate = check('generate', options.generate, DEFAULTS.generate, (f) => typeof f === 'function', 'a function');
  const responseHeader = check('responseHeader', options.responseHeader, DEFAULTS.responseHeader, isBoolean, 'true or false');

  // X-Request-Id -> HTTP_X_REQUEST_ID
  const incomingKey = trustIncoming ? `HTTP_${header.toUpperCase().replaceAll('-', '_')}` : undefined;

  // A UUID needs no check; a generator of the user's does, once per id.
  const checked = options.generate !== undefined;
  function newId(environ: Environ): string {
    const id = generate(environ);
    if (checked && (typeof id !== 'string' || id === '' || !isValidHeaderValue(id))) {
      throw new TypeError(`requestId: generate() must return a non-empty string that is a valid header value, got ${JSON.stringify(id)}`);
    }
    return id;
  }

  // The per-request state is the id itself: nothing else is allocated for it.
  const hooks: ResponseHooks<string> = {
    start(head, id) {
      if (!Array.isArray(head.headers) || getHeader(head.headers, header) !== undefined) return;
      // A copy (the app may pass the same constant list to every request), by slice and
      // push: Array.prototype.concat costs about four times as much in V8.
      const headers = head.headers.slice();
      headers.push([header, id]);
      head.headers = headers;
    },
  };

  return function requestIdMiddleware(app: Application): Application {
    return function requestIdApp(environ, startResponse) {
      const incoming = incomingKey === undefined ? undefined : environ[incomingKey];
      const id = isValidRequestId(incoming, maxLength) ? incoming : newId(environ);
      environ[REQUEST_ID_KEY] = id;
      if (!responseHeader) return app(environ, startResponse);
      return wrapResponse(app, environ, startResponse, hooks, id);
    };
  };
}
