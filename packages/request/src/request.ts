/**
 * `request(environ)`: the request as values, read from the environ when first asked
 * and cached in it under `environ['tsgi.request']` (as Werkzeug keeps its request in
 * `werkzeug.request` and Rack its parses under `rack.request.*`), so any number of
 * middleware and the app share one object, one parse of each part and one read of
 * the body.
 *
 * Each getter is computed on first read and kept together with the environ value it
 * came from; when a layer changes that value (a router shifting PATH_INFO or setting
 * `wsgiorg.routing_args`, proxyFix rewriting the host), the next read sees the
 * change, as Rack compares `rack.request.query_string` before reusing its parse. The
 * environ stays the truth: nothing is written to it but the cache key, and
 * `wsgi.input` once a body reader has kept the body (see `bytes()`).
 *
 * Where it goes: anywhere. Body reads throw `HttpError` (400, 413, 415) for
 * `httpErrors()` from `@tsgi/errors` to answer.
 *
 * @example
 * const app: Application = async (environ, startResponse) => {
 *   const req = request(environ);
 *   const { name } = await req.json<{ name: string }>(); // 415 / 400 / 413 as HttpError
 *   return json({ hello: name, from: req.ip })(environ, startResponse);
 * };
 *
 * @see https://werkzeug.palletsprojects.com/en/latest/wrappers/
 * @see https://peps.python.org/pep-3333/#url-reconstruction
 * @module
 */
import { HttpError, decodeNative, isNativeString, requestUri, type Environ } from '@tsgi/core';
import { BodyState, readBytes, readForm, readJson, readMultipart, readText } from './body-readers.js';
import { parseCookies } from './cookies.js';
import { EnvironHeaders, type ReadonlyHeaders } from './environ-headers.js';
import type { BodyOptions, FormOptions, JsonOptions } from './limits.js';
import { mediaTypeOf, type MediaType } from './media-type.js';
import type { parseMultipart } from './multipart/index.js';

/** The environ key under which `request(environ)` keeps its view. */
export const REQUEST_KEY = 'tsgi.request';

/** URLSearchParams without the methods that change it: the parse is shared by every layer. */
export type ReadonlySearchParams = Omit<URLSearchParams, 'append' | 'delete' | 'set' | 'sort'>;

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** A native environ string read as UTF-8 (U+FFFD for bytes that are not), as Werkzeug decodes with `errors='replace'`. */
function text(value: string): string {
  return isNativeString(value) ? decodeNative(value) : value;
}

/** One cached value and the environ value it was computed from. */
interface Cached<T> {
  from: unknown;
  value: T;
}

function cached<T>(slot: Cached<T> | undefined, from: unknown, compute: () => T): Cached<T> {
  return slot !== undefined && slot.from === from ? slot : { from, value: compute() };
}

export class RequestView {
  /** The environ this view reads. */
  readonly environ: Environ;
  readonly #body: BodyState;
  #url: Cached<URL> | undefined;
  #path: Cached<string> | undefined;
  #scriptName: Cached<string> | undefined;
  #query: Cached<URLSearchParams> | undefined;
  #cookies: Cached<Readonly<Record<string, string>>> | undefined;
  #headers: EnvironHeaders | undefined;

  constructor(environ: Environ, body = new BodyState()) {
    this.environ = environ;
    this.#body = body;
  }

  /** @internal The body state, handed to the view of a copied environ. */
  get bodyState(): BodyState {
    return this.#body;
  }

  /** `REQUEST_METHOD`: `'GET'`, `'POST'`. */
  get method(): string {
    return this.environ.REQUEST_METHOD;
  }

  /**
   * The full URL, rebuilt as PEP 3333's URL reconstruction (core's `requestUri`): the
   * scheme, `Host` (or SERVER_NAME and port), SCRIPT_NAME, PATH_INFO and the query.
   * Behind `proxyFix()` it is the URL the client used. Shared: do not change it.
   */
  get url(): Readonly<URL> {
    const href = requestUri(this.environ);
    this.#url = cached(this.#url, href, () => {
      try {
        return new URL(href);
      } catch (error) {
        throw new HttpError(400, `the request URL ${JSON.stringify(href)} is not valid: check the Host header`, { cause: error });
      }
    });
    return this.#url.value;
  }

  /** PATH_INFO as text (UTF-8 decoded): the path within the app, `/caf%C3%A9` -> `'/café'` (Express's `req.path`). */
  get path(): string {
    const from = this.environ.PATH_INFO ?? '';
    return (this.#path = cached(this.#path, from, () => text(from))).value;
  }

  /** SCRIPT_NAME as text: where the app is mounted, `''` at the root (Express's `req.baseUrl`). */
  get scriptName(): string {
    const from = this.environ.SCRIPT_NAME ?? '';
    return (this.#scriptName = cached(this.#scriptName, from, () => text(from))).value;
  }

  /** QUERY_STRING parsed (WHATWG urlencoded, UTF-8). Shared: do not change it. */
  get query(): ReadonlySearchParams {
    const from = this.environ.QUERY_STRING ?? '';
    return (this.#query = cached(this.#query, from, () => new URLSearchParams(text(from)))).value;
  }

  /** The request headers, a read-only Headers-like view of `HTTP_*`, CONTENT_TYPE and CONTENT_LENGTH. */
  get headers(): ReadonlyHeaders {
    return (this.#headers ??= new EnvironHeaders(this.environ));
  }

  /** The `Cookie` header as a record (RFC 6265; values percent-decoded). */
  get cookies(): Readonly<Record<string, string>> {
    const from = this.environ.HTTP_COOKIE;
    return (this.#cookies = cached(this.#cookies, from, () => parseCookies(from))).value;
  }

  /** The named route params a router left in `wsgiorg.routing_args`; `{}` when none. */
  get params(): Readonly<Record<string, string>> {
    const args = this.environ['wsgiorg.routing_args'];
    if (!Array.isArray(args) || args.length !== 2 || typeof args[1] !== 'object' || args[1] === null) return NO_PARAMS;
    return args[1] as Record<string, string>;
  }

  /** `REMOTE_ADDR`: the client's address (behind `proxyFix()`, the one the proxy saw). */
  get ip(): string | undefined {
    return this.environ.REMOTE_ADDR;
  }

  /** `REMOTE_USER` as text (the environ holds its UTF-8 bytes), set by an auth layer. */
  get remoteUser(): string | undefined {
    const user = this.environ.REMOTE_USER;
    return user === undefined ? undefined : text(user);
  }

  /** The Content-Type's media type, lower-cased (`'application/json'`), `''` without one. */
  get contentType(): string {
    return this.#mediaType().type;
  }

  /** CONTENT_LENGTH as a number, `undefined` when absent (a chunked body). */
  get contentLength(): number | undefined {
    const length = this.environ.CONTENT_LENGTH;
    return length ? Number(length) : undefined;
  }

  #mediaType(): Readonly<MediaType> {
    return mediaTypeOf(this.environ.CONTENT_TYPE);
  }

  /**
   * The body's bytes, read once and kept within `limit` (413 past it, before reading
   * when CONTENT_LENGTH says so). The first read puts a replay of the body in
   * `environ['wsgi.input']`, so the app below can still read it. Shared: do not change it.
   */
  bytes(options?: BodyOptions): Promise<Uint8Array> {
    return readBytes(this.environ, this.#body, options);
  }

  /** The body as text, in the Content-Type's charset (UTF-8 by default; 415 for one the runtime lacks). */
  text(options?: BodyOptions): Promise<string> {
    return readText(this.environ, this.#body, this.#mediaType(), options);
  }

  /**
   * The body parsed as JSON: 415 unless the Content-Type is `application/json` or
   * `*\/*+json` (or `options.type` allows it), 400 with the parser's reason for a
   * malformed body, 413 past `limit`. Parsed once; every caller gets the same value.
   */
  json<T = unknown>(options?: JsonOptions): Promise<T> {
    return readJson(this.environ, this.#body, this.#mediaType(), options) as Promise<T>;
  }

  /** An `application/x-www-form-urlencoded` body: 415 for another type, 413 past `limit` or `maxFields`. */
  form(options?: FormOptions): Promise<ReadonlySearchParams> {
    return readForm(this.environ, this.#body, this.#mediaType(), options);
  }

  /**
   * The parts of a `multipart/form-data` body, streamed as they arrive (415 for
   * another type). The body is not kept: call `bytes()` first to read it in another
   * form as well.
   */
  multipart(options?: Parameters<typeof parseMultipart>[1]): ReturnType<typeof parseMultipart> {
    return readMultipart(this.environ, this.#body, this.#mediaType(), options);
  }
}

/**
 * The request view of `environ`, made on first call and kept in
 * `environ['tsgi.request']`. A copy of an environ (`{ ...environ }`) gets its own
 * view, sharing the body already kept.
 */
export function request(environ: Environ): RequestView {
  const found = environ[REQUEST_KEY];
  if (found instanceof RequestView) {
    if (found.environ === environ) return found;
    const view = new RequestView(environ, found.bodyState);
    environ[REQUEST_KEY] = view;
    return view;
  }
  const view = new RequestView(environ);
  environ[REQUEST_KEY] = view;
  return view;
}
