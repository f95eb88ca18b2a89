/**
 * `fromFetch(handler)`: a fetch handler (Hono's `app.fetch`, itty-router, any
 * `(Request) => Response`) as a tsgi Application, so it can sit under tsgi middleware
 * and be served by any tsgi gateway.
 *
 * The Request is rebuilt from the environ: its URL is core's `requestUri`, its headers
 * the `HTTP_*`/`CONTENT_*` keys, its body streamed in from `wsgi.input` (`duplex:
 * 'half'`) and only read when the handler reads it. The Response's status (reason
 * phrase from `statusText`, else the registered one) and headers go to `startResponse`,
 * each Set-Cookie kept apart (`getSetCookie()`), hop-by-hop fields dropped (the
 * gateway frames the body); its body streams out chunk by chunk, and closing the
 * tsgi body cancels the stream.
 *
 * @example
 * import { Hono } from 'hono';
 * const hono = new Hono().get('/hi', (c) => c.json({ hi: true }));
 * await serve(compose(accessLog())(fromFetch(hono.fetch)), { port: 8000 });
 *
 * @see https://peps.python.org/pep-3333/#url-reconstruction
 * @see https://fetch.spec.whatwg.org/#dom-headers-getsetcookie
 * @module
 */
import {
  HOP_BY_HOP_HEADERS,
  applicationUri,
  requestHeaderName,
  rawRequestPath,
  requestUri,
  statusLine,
  type Application,
  type Body,
  type Environ,
  type InputStream,
  type ResponseHeaders,
  type StartResponse,
} from '@tsgi/core';

/** The handler shape `fromFetch` takes. */
export type RequestHandler = (request: Request) => Response | Promise<Response>;

const NO_REQUEST_BODY = new Set(['GET', 'HEAD']);

/**
 * The URL for the Request: the raw path the client sent when no layer has moved it
 * (so `/a%2Fb` and `/.%2F` survive; re-quoted, a URL parser would read a dot segment
 * into the latter), else core's `requestUri`.
 */
function requestUrl(environ: Environ): string {
  const raw = rawRequestPath(environ);
  if (raw === undefined) return requestUri(environ);
  const base = applicationUri(environ);
  const origin = base.slice(0, base.indexOf('/', base.indexOf('//') + 2));
  return origin + raw + (environ.QUERY_STRING ? '?' + environ.QUERY_STRING : '');
}

/** A pull source over `wsgi.input`: the handler's reads drive the gateway's reads. */
class InputSource {
  private iterator: AsyncIterator<Uint8Array> | undefined;
  constructor(private readonly input: InputStream) {}

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    this.iterator ??= this.input[Symbol.asyncIterator]();
    const step = await this.iterator.next();
    if (step.done) controller.close();
    else controller.enqueue(step.value);
  }

  async cancel(): Promise<void> {
    await this.iterator?.return?.();
  }
}

/** The response body as a tsgi Body: the stream's chunks; close() cancels it. */
class ResponseBody implements AsyncIterableIterator<Uint8Array> {
  private done = false;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const step = await this.reader.read();
    if (step.done) this.done = true;
    return step as IteratorResult<Uint8Array>;
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.reader.cancel();
  }
}

export function buildRequest(environ: Environ): Request {
  const headers = new Headers();
  for (const key in environ) {
    const name = requestHeaderName(key);
    if (name === undefined) continue;
    const value = environ[key];
    if (typeof value === 'string' && value !== '') headers.append(name, value);
  }
  const method = environ.REQUEST_METHOD;
  const length = environ.CONTENT_LENGTH;
  // A body when there may be one: a length above zero, or no length but an input
  // that ends by itself (a chunked request, or a Request body without a length).
  const hasBody =
    !NO_REQUEST_BODY.has(method) &&
    (length ? length !== '0' : environ.HTTP_TRANSFER_ENCODING !== undefined || environ['wsgi.input_terminated'] === true);
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (hasBody) {
    init.body = new ReadableStream(new InputSource(environ['wsgi.input']), { highWaterMark: 0 });
    init.duplex = 'half';
  }
  return new Request(requestUrl(environ), init);
}

function responseHeaders(response: Response): ResponseHeaders {
  const headers: ResponseHeaders = [];
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie' || HOP_BY_HOP_HEADERS.has(name)) continue;
    headers.push([name, value]);
  }
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
  return headers;
}

const EMPTY: Body = Object.freeze([]) as unknown as Body;

export function fromFetch(handler: RequestHandler | { fetch: RequestHandler }): Application {
  const fetchHandler: unknown = typeof handler === 'function' ? handler : handler?.fetch?.bind(handler);
  if (typeof fetchHandler !== 'function') {
    throw new TypeError('fromFetch: handler must be a function (request) => Response or an object with fetch()');
  }
  const run = fetchHandler as RequestHandler;

  return async function fetchHandlerApp(environ: Environ, startResponse: StartResponse): Promise<Body> {
    return startFetchResponse(await run(buildRequest(environ)), startResponse);
  };
}

/**
 * Hands a fetch Response to `startResponse` (status, headers as fromFetch reads them)
 * and returns its body as a tsgi Body; for an inner app that gets its Response from
 * somewhere else than a handler (a host framework's `next()`).
 */
export async function startFetchResponse(response: Response, startResponse: StartResponse): Promise<Body> {
  if (!(response instanceof Response)) {
    throw new TypeError(`fromFetch: the handler must resolve to a Response, got ${typeof response}`);
  }
  const code = response.status;
  const reason = response.statusText || statusLine(code).slice(4);
  try {
    startResponse(`${code} ${reason}`, responseHeaders(response));
  } catch (error) {
    await response.body?.cancel();
    throw error;
  }
  return response.body === null ? EMPTY : new ResponseBody(response.body.getReader());
}
