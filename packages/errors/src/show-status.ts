/**
 * `showStatus(options)`, Rack::ShowStatus for tsgi: a 4xx or 5xx response with an empty
 * body (no Content-Length, or 0, and no bytes) gets a small body naming its status, in
 * the form `Accept` asks for (plain text by default, HTML for a browser, problem+json),
 * so a bare `startResponse('404 Not Found', [])` is not a blank page. The app's other
 * headers (`Allow`, `WWW-Authenticate`) stay. A detail for the page can be left in
 * `environ['tsgi.show_status.detail']`.
 *
 * Any other response passes untouched. An error response without a Content-Length is
 * held until its first non-empty chunk shows it is not empty (nothing is sent before
 * that chunk anyway, PEP 3333), then passed on as it is.
 *
 * Put it near the top, under `httpErrors()`: it only looks at what the layers below answer.
 *
 * @example
 * const app = compose(showStatus())(api); // api answers 404 with no body -> "404 Not Found\n"
 *
 * @see https://github.com/rack/rack/blob/main/lib/rack/show_status.rb
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @module
 */
import {
  arrayBodyLength,
  closeBody,
  getHeader,
  isPromise,
  statusCode,
  type Application,
  type Body,
  type Environ,
  type Middleware,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';
import { problemResponse, resolveRenderers, toProblem, type ErrorRenderer } from './problem.js';

export interface ShowStatusOptions {
  /**
   * A renderer of your own for some statuses, as in `httpErrors({ renderers })`.
   * @default {} (problem+json, HTML or text by `Accept`)
   */
  renderers?: Readonly<Record<number, ErrorRenderer>>;
}

const DEFAULTS = { renderers: {} } satisfies Required<ShowStatusOptions>;

/** Where an app leaves a detail for the status page, as Rack's `rack.showstatus.detail`. */
export const SHOW_STATUS_DETAIL = 'tsgi.show_status.detail';

/** One request: the app's status and headers, held while the body may still be empty. */
class EmptyErrorCheck {
  /** pending: no startResponse yet; held: an error status, no bytes seen; passed: sent on. */
  mode: 'pending' | 'held' | 'passed' = 'pending';
  private status = '';
  private headers: ResponseHeaders = [];
  private excInfo: unknown;
  private write: Write | undefined;
  /** The startResponse the app is given. */
  readonly startResponse: StartResponse;

  constructor(
    private readonly environ: Environ,
    private readonly outer: StartResponse,
    private readonly renderers: ReadonlyMap<number, ErrorRenderer>,
  ) {
    this.startResponse = this.start.bind(this);
  }

  private start(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    if (this.mode !== 'passed' && statusCode(status) >= 400 && (getHeader(headers, 'content-length') ?? '0') === '0') {
      this.mode = 'held';
      this.status = status;
      this.headers = headers;
      this.excInfo = excInfo;
      return (chunk) => {
        this.pass();
        this.write!(chunk);
      };
    }
    this.mode = 'passed';
    return (this.write = this.outer(status, headers, excInfo));
  }

  /** Sends the held status and headers on: the body is not empty. */
  pass(): void {
    if (this.mode !== 'held') return;
    this.mode = 'passed';
    this.write = this.outer(this.status, this.headers, this.excInfo);
  }

  /** Answers the held status with a page naming it; returns the page's chunks. */
  page(): Uint8Array[] {
    this.mode = 'passed';
    const problem = toProblem({ status: statusCode(this.status), message: '' }, this.environ);
    const detail = this.environ[SHOW_STATUS_DETAIL];
    if (typeof detail === 'string' && detail !== '') problem.detail = detail;
    const headers = this.headers.filter(([name]) => !/^content-(type|length)$/i.test(name));
    const bytes = problemResponse(problem, undefined, this.environ, this.renderers, headers);
    this.outer(this.status, headers, this.excInfo);
    return [bytes];
  }
}

/** An iterable body of an error response, held until a non-empty chunk or its end. */
class HeldBody implements AsyncIterableIterator<Uint8Array> {
  private inner: Iterator<Uint8Array> | AsyncIterator<Uint8Array> | undefined;
  private rest: Uint8Array[] | undefined;

  constructor(
    private readonly body: Body,
    private readonly check: EmptyErrorCheck,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.rest !== undefined) {
      const chunk = this.rest.shift();
      return chunk === undefined ? { done: true, value: undefined } : { done: false, value: chunk };
    }
    const body = this.body as Partial<AsyncIterable<Uint8Array> & Iterable<Uint8Array>>;
    this.inner ??= body[Symbol.asyncIterator]?.() ?? body[Symbol.iterator]!();
    for (;;) {
      const result = await this.inner.next();
      if (result.done) {
        if (this.check.mode !== 'held') return result;
        this.rest = this.check.page();
        return this.next();
      }
      // An empty chunk while held is passed on as it is: it sends nothing (no status
      // yet), and answering each chunk keeps PEP 3333's block boundaries.
      if (result.value.byteLength === 0 && this.check.mode === 'held') return result;
      this.check.pass();
      return result;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.rest = [];
    await this.inner?.return?.();
    return { done: true, value: undefined };
  }

  close(): Promise<void> {
    return closeBody(this.body);
  }
}

/** Fills empty 4xx/5xx bodies with a page naming the status; see the module comment. */
export function showStatus(options: ShowStatusOptions = {}): Middleware {
  const renderers = resolveRenderers(options.renderers ?? DEFAULTS.renderers, 'showStatus');

  function respond(body: Body, check: EmptyErrorCheck): Body {
    if (check.mode === 'passed') return body;
    if (Array.isArray(body)) {
      if (check.mode === 'pending') return body;
      if (arrayBodyLength(body) !== 0) {
        check.pass();
        return body;
      }
      const page: Body = check.page();
      // The app's (empty) body is still closed, once, when the gateway closes the page.
      page.close = () => closeBody(body);
      return page;
    }
    return new HeldBody(body, check);
  }

  return (app: Application): Application =>
    function showStatusApp(environ: Environ, startResponse: StartResponse) {
      const check = new EmptyErrorCheck(environ, startResponse, renderers);
      const result = app(environ, check.startResponse);
      // Any thenable is awaited, as the gateway awaits it (core's isPromise).
      return isPromise(result) ? Promise.resolve(result).then((body) => respond(body, check)) : respond(result, check);
    };
}
