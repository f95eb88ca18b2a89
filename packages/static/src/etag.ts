/**
 * `etag()`: gives a `200`/`201` whose body is an array (the whole response is known)
 * a strong `ETag` made from a SHA-256 of its bytes, as Rack::ETag does, so
 * `conditionalGet()` can answer 304 to a client that already has it. A streaming body
 * (any iterator) passes through untouched and unread, since hashing it would mean
 * holding all of it (the trap Rack PR #2324 fixed); so does a response that already
 * has an `ETag` or `Last-Modified`, or says `Cache-Control: no-store`.
 *
 * Hashing uses WebCrypto, so it runs on every runtime; an array body costs one digest
 * of its bytes and stays the same array. A response that could be tagged is held
 * (core's `wrapResponse`) until the app returns its body; a `write()` or a lazy start
 * means streaming, and the head goes up untagged at once.
 *
 * Where in the stack: right above the app, inside `conditionalGet()` and `gzip()`
 * (the tag then names the identity bytes, and gzip weakens it for its variant).
 *
 * @example
 * const app = compose(gzip(), conditionalGet(), etag())(inner);
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3 (ETag)
 * @see https://github.com/rack/rack/blob/main/lib/rack/etag.rb
 * @module
 */
import {
  arrayBodyLength,
  getHeader,
  statusCode,
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

/** `etag()` takes no options yet; the object is kept for the house shape. */
export type EtagOptions = Record<string, never>;

const TAGGED_STATUSES = new Set([200, 201]);

/** A strong tag for the bytes of an array body: SHA-256, first 128 bits, base64url. */
export async function bodyETag(body: readonly Uint8Array[]): Promise<string> {
  let data: Uint8Array;
  if (body.length === 1) data = body[0]!;
  else {
    data = new Uint8Array(arrayBodyLength(body as Uint8Array[])!);
    let offset = 0;
    for (const chunk of body) {
      data.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  let text = '';
  for (let i = 0; i < 16; i++) text += String.fromCharCode(digest[i]!);
  return `"${btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}"`;
}

function cacheable(headers: ResponseHeaders): boolean {
  if (getHeader(headers, 'etag') !== undefined || getHeader(headers, 'last-modified') !== undefined) return false;
  const cacheControl = getHeader(headers, 'cache-control');
  return cacheControl === undefined || !/(?:^|,)\s*no-store\s*(?:,|$)/i.test(cacheControl);
}

/**
 * The hooks (the state: whether the request is a HEAD): a response that could be
 * tagged is held until its body shows whether it is a whole array. A body that starts
 * its response lazily, or a `write()`, means streaming: the head goes up untagged.
 */
const HOOKS: ResponseHooks<boolean> = {
  passLazy: true,
  passOnWrite: true,
  hold: (head: ResponseHead) => TAGGED_STATUSES.has(statusCode(head.status)) && cacheable(head.headers),
  respond(head, body, isHead) {
    // An empty HEAD body's hash would not be the GET's tag.
    if (!Array.isArray(body) || (isHead && arrayBodyLength(body) === 0)) return body;
    return bodyETag(body as Uint8Array[]).then((tag) => {
      head.headers = [...head.headers, ['ETag', tag]];
      return body;
    });
  },
};

export function etag(options: EtagOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`etag: options must be an object, got ${String(options)}`);
  }
  return function etagMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError('etag: the application to wrap must be a function');
    return function etagApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const method = environ.REQUEST_METHOD;
      if (method !== 'GET' && method !== 'HEAD') return app(environ, startResponse);
      return wrapResponse(app, environ, startResponse, HOOKS, method === 'HEAD');
    };
  };
}
