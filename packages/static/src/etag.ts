/**
 * `etag()`: gives a `200`/`201` whose body is an array (the whole response is known)
 * a strong `ETag` made from a SHA-256 of its bytes, as Rack::ETag does, so
 * `conditionalGet()` can answer 304 to a client that already has it. A streaming body
 * (any iterator) passes through untouched and unread, since hashing it would mean
 * holding all of it (the trap Rack PR #2324 fixed); so does a response that already
 * has an `ETag` or `Last-Modified`, or says `Cache-Control: no-store`.
 *
 * Hashing uses WebCrypto, so it runs on every runtime; an array body costs one digest
 * of its bytes and stays the same array.
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
  type Application,
  type Body,
  type Environ,
  type Middleware,
  type ResponseHeaders,
  type StartResponse,
  type Write,
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

/** One request: holds the app's status and headers until its body shows whether to tag it. */
class TaggedResponse {
  private status: string | null = null;
  private headers: ResponseHeaders = [];
  private write: Write | null = null;
  private returned = false;

  constructor(
    private readonly upstream: StartResponse,
    private readonly head: boolean,
  ) {}

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    // Called lazily from a streaming body, or again after an error: nothing to hold.
    if (this.returned || this.write !== null) return this.upstream(status, headers, excInfo);
    this.status = status;
    this.headers = headers;
    return this.heldWrite;
  };

  /** The legacy write(): the response is being streamed, so it goes out untagged now. */
  private readonly heldWrite: Write = (chunk) => {
    this.write ??= this.upstream(this.status!, this.headers);
    this.write(chunk);
  };

  private commit(headers: ResponseHeaders): void {
    if (this.write === null && this.status !== null) this.write = this.upstream(this.status, headers);
  }

  finish(body: Body): Body | Promise<Body> {
    this.returned = true;
    const status = this.status;
    if (
      status === null ||
      this.write !== null ||
      !Array.isArray(body) ||
      // An empty HEAD body's hash would not be the GET's tag.
      (this.head && arrayBodyLength(body) === 0) ||
      !TAGGED_STATUSES.has(statusCode(status)) ||
      !cacheable(this.headers)
    ) {
      this.commit(this.headers);
      return body;
    }
    return bodyETag(body).then(
      (tag) => {
        this.commit([...this.headers, ['ETag', tag]]);
        return body;
      },
      (error: unknown) => {
        this.commit(this.headers);
        throw error;
      },
    );
  }
}

export function etag(options: EtagOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`etag: options must be an object, got ${String(options)}`);
  }
  return function etagMiddleware(app: Application): Application {
    if (typeof app !== 'function') throw new TypeError('etag: the application to wrap must be a function');
    return function etagApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
      const method = environ.REQUEST_METHOD;
      if (method !== 'GET' && method !== 'HEAD') return app(environ, startResponse);
      const response = new TaggedResponse(startResponse, method === 'HEAD');
      const body = app(environ, response.startResponse);
      if (typeof (body as Promise<Body>).then === 'function') return (body as Promise<Body>).then((b) => response.finish(b));
      return response.finish(body as Body);
    };
  };
}
