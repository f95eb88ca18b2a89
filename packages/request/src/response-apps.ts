/**
 * Response builders that are Applications, as Werkzeug's `Response` is a WSGI app:
 * `json(data)`, `text(s)`, `html(s)`, `redirect(url)` and `empty(status)` each build
 * the status, headers and body once and return an app that answers with them. Mount
 * one (`router().get('/health', json({ ok: true }))`) or answer with one from an app
 * (`return json(user, { status: 201 })(environ, startResponse)`).
 *
 * Each sets Content-Type (unless `init.headers` has one) and Content-Length, and
 * returns its body as a one-chunk array, the gateway's fast path. Headers are checked
 * when the response is built, so a bad one throws where it was written, not in the
 * gateway. Cookies go in `init.cookies` or through `.setCookie()`, which returns the
 * app, so calls chain.
 *
 * @example
 * const created = json({ id: 7 }, { status: 201, headers: { Location: '/users/7' } });
 * return created.setCookie('seen', '1', { httpOnly: true, sameSite: 'lax' })(environ, startResponse);
 *
 * @see https://werkzeug.palletsprojects.com/en/latest/wrappers/#werkzeug.wrappers.Response
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4 (redirection)
 * @module
 */
import { checkHeaders, hasHeader, isNoContentStatus, statusLine, type Environ, type ResponseHeaders, type StartResponse } from '@tsgi/core';
import { deleteCookie, serializeCookie, type CookieOptions } from './cookies.js';
import { encodeLocation } from './location.js';

/** A cookie for `init.cookies`: its name, value and attributes. */
export interface SetCookieInit extends CookieOptions {
  name: string;
  value: string;
}

export interface ResponseInit {
  /** The status code. @default 200 (`redirect`: 302, `empty`: 204) */
  status?: number;
  /** More headers, as `[name, value]` pairs or a record; a Content-Type here replaces the builder's. */
  headers?: ResponseHeaders | Readonly<Record<string, string>>;
  /** Cookies to set, each a `Set-Cookie` header. */
  cookies?: readonly SetCookieInit[];
}

/** A built response: an Application that answers with it, and what it will send. */
export interface ResponseApp {
  (environ: Environ, startResponse: StartResponse): Uint8Array[];
  /** The status line, e.g. `'201 Created'`. */
  readonly status: string;
  /** The headers it sends (the same list every time: add through the methods). */
  readonly headers: ResponseHeaders;
  readonly body: Uint8Array;
  /** Adds a `Set-Cookie` (RFC 6265); returns this app. */
  setCookie(name: string, value: string, options?: CookieOptions): ResponseApp;
  /** Adds a `Set-Cookie` that deletes `name`; returns this app. */
  deleteCookie(name: string, options?: Parameters<typeof deleteCookie>[1]): ResponseApp;
  /** Adds a header (checked as the builders check theirs); returns this app. */
  header(name: string, value: string): ResponseApp;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
/**
 * Up to this length, text is encoded by hand (below); past it TextEncoder is faster
 * (docs/benchmarks.md, figures behind choices in the code).
 */
const SHORT_TEXT = 64;

/**
 * The UTF-8 bytes of `text`. A short ASCII text (a small JSON answer) is copied a
 * code unit a byte into a typed array small enough to live on V8's heap, where
 * `TextEncoder.encode` pays a native call and a buffer of its own.
 */
function utf8(text: string): Uint8Array {
  const length = text.length;
  if (length > SHORT_TEXT) return encoder.encode(text);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit > 0x7f) return encoder.encode(text);
    out[i] = unit;
  }
  return out;
}
const REDIRECTS = new Set([300, 301, 302, 303, 307, 308]);

function checkedHeader(where: string, name: string, value: string): [string, string] {
  const pair: [string, string] = [name, value];
  const problem = checkHeaders([pair]);
  if (problem !== undefined) throw new TypeError(`${where}: ${problem}`);
  return pair;
}

function headerPairs(headers: ResponseInit['headers'], where: string): ResponseHeaders {
  if (headers === undefined) return [];
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers as Record<string, string>);
  return pairs.map(([name, value]) => checkedHeader(where, name, value));
}

function statusOf(code: number, where: string): string {
  try {
    return statusLine(code);
  } catch (error) {
    throw new TypeError(`${where}: status must be an integer from 200 to 599, got ${String(code)}`, { cause: error });
  }
}

function setCookieMethod(this: ResponseApp, name: string, value: string, options?: CookieOptions): ResponseApp {
  this.headers.push(['Set-Cookie', serializeCookie(name, value, options)]);
  return this;
}

function deleteCookieMethod(this: ResponseApp, name: string, options?: Parameters<typeof deleteCookie>[1]): ResponseApp {
  this.headers.push(['Set-Cookie', deleteCookie(name, options)]);
  return this;
}

function headerMethod(this: ResponseApp, name: string, value: string): ResponseApp {
  this.headers.push(checkedHeader('header()', name, value));
  return this;
}

/** ResponseApp while it is being built. */
type Building = { -readonly [K in keyof ResponseApp]: ResponseApp[K] } & ((environ: Environ, startResponse: StartResponse) => Uint8Array[]);

/** The app of one response: `code`, `type` unless init has a Content-Type, `body`. */
function respond(where: string, code: number, type: string | undefined, body: Uint8Array, init?: ResponseInit): ResponseApp {
  if (!Number.isInteger(code) || code < 200) throw new TypeError(`${where}: status must be an integer from 200 to 599, got ${String(code)}`);
  const status = statusOf(code, where);
  const noContent = isNoContentStatus(code);
  let headers: ResponseHeaders;
  if (init?.headers === undefined) {
    // Nothing to look through: the common case, one array literal.
    headers = noContent ? [] : type === undefined ? [['Content-Length', String(body.byteLength)]] : [['Content-Type', type], ['Content-Length', String(body.byteLength)]];
  } else {
    headers = headerPairs(init.headers, where);
    if (type !== undefined && !noContent && !hasHeader(headers, 'content-type')) headers.unshift(['Content-Type', type]);
    if (!noContent && !hasHeader(headers, 'content-length')) headers.push(['Content-Length', String(body.byteLength)]);
  }
  if (init?.cookies !== undefined) {
    for (const { name, value, ...options } of init.cookies) headers.push(['Set-Cookie', serializeCookie(name, value, options)]);
  }
  const chunks = body.byteLength === 0 || noContent ? [] : [body];
  const app = function responseApp(_environ: Environ, startResponse: StartResponse): Uint8Array[] {
    startResponse(status, headers);
    return chunks;
  } as Building;
  // Assigned one by one, in the same order every time, so every response app shares
  // one shape (Object.assign with a fresh literal cost a third of a json() call).
  app.status = status;
  app.headers = headers;
  app.body = body;
  app.setCookie = setCookieMethod;
  app.deleteCookie = deleteCookieMethod;
  app.header = headerMethod;
  return app;
}

/**
 * `application/json`: `data` serialised once, now (so a value JSON cannot hold throws
 * here). Mounted as a constant it costs no serialisation per request.
 */
export function json(data: unknown, init?: ResponseInit): ResponseApp {
  const text = JSON.stringify(data);
  if (text === undefined) throw new TypeError(`json(): ${typeof data} is not a JSON value (JSON.stringify gave undefined)`);
  return respond('json()', init?.status ?? 200, 'application/json', utf8(text), init);
}

/** `text/plain; charset=utf-8`. */
export function text(body: string, init?: ResponseInit): ResponseApp {
  if (typeof body !== 'string') throw new TypeError(`text(): body must be a string, got ${typeof body}`);
  return respond('text()', init?.status ?? 200, 'text/plain; charset=utf-8', utf8(body), init);
}

/** `text/html; charset=utf-8`; the HTML is sent as given (escape what you interpolate). */
export function html(body: string, init?: ResponseInit): ResponseApp {
  if (typeof body !== 'string') throw new TypeError(`html(): body must be a string, got ${typeof body}`);
  return respond('html()', init?.status ?? 200, 'text/html; charset=utf-8', utf8(body), init);
}

/**
 * A redirect to `location` (absolute or relative), with an empty body: 302 Found by
 * default; 303 See Other after a POST, 307/308 to keep the method. The location is
 * checked and encoded (see `encodeLocation`).
 */
export function redirect(location: string | URL, status = 302, init?: Omit<ResponseInit, 'status'>): ResponseApp {
  if (!REDIRECTS.has(status)) {
    throw new TypeError(`redirect(): status must be 300, 301, 302, 303, 307 or 308, got ${String(status)}`);
  }
  const headers = [['Location', encodeLocation(location)] as [string, string], ...headerPairs(init?.headers, 'redirect()')];
  return respond('redirect()', status, undefined, EMPTY, { ...init, headers });
}

/** A response without a body: 204 No Content by default (no Content-Length then); `Content-Length: 0` otherwise. */
export function empty(status = 204, init?: Omit<ResponseInit, 'status'>): ResponseApp {
  return respond('empty()', status, undefined, EMPTY, init);
}
