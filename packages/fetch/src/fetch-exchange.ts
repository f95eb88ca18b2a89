/**
 * One request inside `toFetch`: the `startResponse` and `write` callables PEP 3333
 * gives the app, and the pull source of the Response body stream. The stream pulls
 * the app's iterator only when the runtime asks for more (highWaterMark 0), so a slow
 * client never makes it hold more than one chunk; chunks pass through uncopied.
 *
 * @example
 * const exchange = new FetchExchange(environ);
 * exchange.body = await app(environ, exchange.startResponse);
 * return exchange.respond(new ReadableStream(exchange, { highWaterMark: 0 }));
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://streams.spec.whatwg.org/#underlying-source-api
 * @module
 */
import { checkHeaders, checkStatus, closeBody, getHeader, statusCode, type Body, type Environ, type ResponseHeaders } from '@tsgi/core';

type Chunks = Iterator<Uint8Array> | AsyncIterator<Uint8Array>;

const INTERNAL_ERROR_HEADERS: ResponseHeaders = [['Content-Type', 'text/plain; charset=utf-8']];

export class FetchExchange {
  status: string | undefined;
  headers: ResponseHeaders = [];
  body: Body | undefined;
  /** The Response exists: status and headers are out. */
  private sent = false;
  private closed = false;
  /** The runtime cancelled the body stream (client gone): the controller is closed. */
  private cancelled = false;
  private iterator: Chunks | undefined;
  /** Chunks from `write()` and a chunk pulled early by `first()`, in order. */
  private pending: Uint8Array[] = [];
  private readonly environ: Environ;
  readonly startResponse: (status: string, headers: ResponseHeaders, excInfo?: unknown) => (chunk: Uint8Array) => void;
  private readonly write: (chunk: Uint8Array) => void;

  constructor(environ: Environ) {
    this.environ = environ;
    // The two callables the app keeps: bound once per request. (Not named start/write:
    // this object is also the stream's underlying source, which has a start().)
    this.startResponse = this.begin.bind(this);
    this.write = this.append.bind(this);
  }

  private begin(status: string, headers: ResponseHeaders, excInfo?: unknown): (chunk: Uint8Array) => void {
    if (excInfo !== undefined && excInfo !== null) {
      if (this.sent) throw excInfo;
    } else if (this.status !== undefined) {
      throw new Error('startResponse was called a second time without excInfo (PEP 3333)');
    }
    const problem = checkStatus(status) ?? checkHeaders(headers);
    if (problem !== undefined) throw new TypeError(`startResponse: ${problem}`);
    this.status = status;
    this.headers = headers;
    return this.write;
  }

  private append(chunk: Uint8Array): void {
    if (this.status === undefined) throw new Error('write() was called before startResponse');
    if (!(chunk instanceof Uint8Array)) throw new TypeError('write() takes a Uint8Array');
    if (this.closed) throw new Error('write() was called after the response ended');
    if (chunk.byteLength > 0) this.pending.push(chunk);
  }

  private chunks(): Chunks {
    if (this.iterator === undefined) {
      const body = this.body as Body;
      this.iterator =
        Symbol.asyncIterator in body
          ? (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
          : (body as Iterable<Uint8Array>)[Symbol.iterator]();
    }
    return this.iterator;
  }

  /** Iterates until the app has called startResponse (or the body ends). */
  async first(): Promise<void> {
    const iterator = this.chunks();
    while (this.status === undefined) {
      const step = await iterator.next();
      if (step.done) return;
      if (step.value.byteLength > 0) this.pending.push(step.value);
    }
  }

  /** The whole body without a stream, when it is an array nobody has touched. */
  takeWhole(): Uint8Array | null | undefined {
    const body = this.body;
    if (!Array.isArray(body) || this.iterator !== undefined || this.pending.length > 0 || body.length > 1) {
      return undefined;
    }
    void this.finish();
    return body.length === 0 ? null : (body[0] as Uint8Array);
  }

  respond(body: ReadableStream<Uint8Array> | Uint8Array | null): Response {
    const status = this.status as string;
    const init: ResponseInit & { encodeBody?: 'manual' } = { status: statusCode(status), statusText: status.slice(4), headers: this.headers };
    // The body is already in its Content-Encoding (gzip() made it): Workers would encode
    // it again unless told it is done. Other runtimes ignore the unknown member.
    if (getHeader(this.headers, 'Content-Encoding') !== undefined) init.encodeBody = 'manual';
    const response = new Response(body, init);
    this.sent = true;
    return response;
  }

  /** Calls the body's close() once, however the response ends. */
  async finish(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeBody(this.body);
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        if (this.pending.length > 0) {
          for (const chunk of this.pending) controller.enqueue(chunk);
          this.pending.length = 0;
          return;
        }
        const step = await this.chunks().next();
        // Cancelled while the app was producing: the stream takes nothing more.
        if (this.cancelled) return;
        if (step.done) {
          // write() may have been called during the last step.
          if (this.pending.length > 0) continue;
          await this.finish();
          controller.close();
          return;
        }
        if (step.value.byteLength > 0) this.pending.push(step.value);
      }
    } catch (error) {
      this.log(error);
      await this.finish().catch((closeError: unknown) => this.log(closeError));
      if (!this.cancelled) controller.error(error);
    }
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    if (this.closed) return;
    try {
      await this.iterator?.return?.();
    } finally {
      await this.finish();
    }
  }

  /** The gateway's 500, for an error before the Response exists. */
  async fail(error: unknown): Promise<Response> {
    this.log(error);
    await this.finish().catch((closeError: unknown) => this.log(closeError));
    this.status = '500 Internal Server Error';
    this.headers = INTERNAL_ERROR_HEADERS;
    return new Response('Internal Server Error', { status: 500, headers: this.headers });
  }

  private log(error: unknown): void {
    const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    this.environ['wsgi.errors'].write(`toFetch: ${text}\n`);
  }
}
