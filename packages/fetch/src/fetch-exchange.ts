/**
 * One request inside `toFetch`: the output side only. The rules for `startResponse`,
 * `write()`, the body's chunks, Content-Length and no-content statuses are core's
 * `ResponseState` (this class extends it); the body is walked and closed once by
 * core's `BodyWalk`. What is left here is how bytes leave: the pull source of the
 * Response body stream. The stream pulls the app's iterator only when the runtime
 * asks for more (highWaterMark 0), so a slow client never makes it hold more than
 * one chunk; chunks pass through uncopied.
 *
 * @example
 * const exchange = new FetchExchange(environ, request.method === 'HEAD');
 * exchange.body = await app(environ, exchange.startResponse);
 * return exchange.respond(exchange.stream());
 *
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @see https://streams.spec.whatwg.org/#underlying-source-api
 * @module
 */
import {
  BodyWalk,
  INTERNAL_ERROR,
  ResponseState,
  checkBody,
  describeError,
  getHeader,
  type Body,
  type Environ,
  type ResponseHeaders,
  type StartResponse,
  type Write,
} from '@tsgi/core';

/** The Response body's underlying source: pulls from one exchange (which has a start() of its own). */
class ExchangeSource {
  constructor(private readonly exchange: FetchExchange) {}
  pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    return this.exchange.pull(controller);
  }
  cancel(): Promise<void> {
    return this.exchange.cancel();
  }
}

export class FetchExchange extends ResponseState {
  /** What the app returned; set before `first()`, `pull()` or `finish()`. */
  body: Body | undefined;
  /** The runtime cancelled the body stream (client gone): the controller is closed. */
  private cancelled = false;
  private walk: BodyWalk | undefined;
  /** Chunks from `write()` and a chunk pulled early by `first()`, in order. */
  private pending: Uint8Array[] = [];
  /** An error after the headers went out, for the stream to end with. */
  private broken: { error: unknown } | undefined;
  readonly startResponse: StartResponse;
  private readonly write: Write;

  constructor(
    private readonly environ: Environ,
    head = false,
  ) {
    super(head);
    // The two callables the app keeps: bound once per request.
    this.startResponse = this.begin.bind(this);
    this.write = this.append.bind(this);
  }

  private begin(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    this.start(status, headers, excInfo);
    return this.write;
  }

  private append(chunk: Uint8Array): void {
    this.checkWrite(chunk);
    if (this.walk?.closed === true) throw new Error('write() was called after the response ended');
    this.headersSent = true;
    this.keep(chunk);
  }

  /** Queues the part of `chunk` that may go out; false once Content-Length is reached. */
  private keep(chunk: Uint8Array): boolean {
    if (chunk.byteLength === 0 || !this.bodyAllowed) return true;
    const n = this.take(chunk.byteLength);
    if (n > 0) this.pending.push(n < chunk.byteLength ? chunk.subarray(0, n) : chunk);
    return !this.overflow;
  }

  /** A chunk the body yielded: checked, and the headers count as sent once it has bytes. */
  private yielded(chunk: Uint8Array): boolean {
    this.checkChunk(chunk);
    if (chunk.byteLength === 0) return true;
    this.headersSent = true;
    return this.keep(chunk);
  }

  private walker(): BodyWalk {
    if (this.walk === undefined) {
      const problem = checkBody(this.body);
      if (problem !== undefined) throw new TypeError(problem);
      this.walk = new BodyWalk(this.body!);
    }
    return this.walk;
  }

  /**
   * Iterates until the headers go out: the first non-empty chunk or `write()`, as on a
   * socket, so that an error before it is still a 500. Stops early when the status
   * says no content, or at the body's end.
   */
  async first(): Promise<void> {
    const walk = this.walker();
    while (!this.headersSent && (this.status === undefined || this.bodyAllowed)) {
      const step = await walk.next();
      if (step.done === true || !this.yielded(step.value)) return;
    }
  }

  /** The whole body without a stream, when it is an array of at most one chunk nobody has touched. */
  takeWhole(): Uint8Array | null | undefined {
    const body = this.body;
    if (!Array.isArray(body) || this.walk !== undefined || this.pending.length > 0 || body.length > 1) return undefined;
    const chunk = body[0] as Uint8Array | undefined;
    if (chunk !== undefined) this.checkChunk(chunk);
    // A length that disagrees with Content-Length goes the stream's way: cut or errored.
    if (this.contentLength >= 0 && this.contentLength !== (chunk?.byteLength ?? 0)) return undefined;
    // A close() that throws is logged; the response is whole by now.
    this.finish().catch((closeError: unknown) => this.log(closeError));
    return chunk === undefined ? null : chunk;
  }

  /** The Response; `body` null for HEAD and no-content statuses (the app's body is closed). */
  respond(body: ReadableStream<Uint8Array> | Uint8Array | null): Response {
    const status = this.status!;
    const init: ResponseInit & { encodeBody?: 'manual' } = { status: this.code, statusText: status.slice(4), headers: this.headers };
    // The body is already in its Content-Encoding (gzip() made it): Workers would encode
    // it again unless told it is done. Other runtimes ignore the unknown member.
    if (getHeader(this.headers, 'Content-Encoding') !== undefined) init.encodeBody = 'manual';
    return new Response(body, init);
  }

  /** The response after an error once the headers went out: their status, a stream that errors. */
  respondBroken(error: unknown): Response {
    this.log(error);
    this.broken = { error };
    return this.respond(this.stream());
  }

  /** The Response body: pulls the app's body one chunk per read. */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream(new ExchangeSource(this), { highWaterMark: 0 });
  }

  /** Ends the iteration if open and calls the body's close() once, however the response ends. */
  async finish(): Promise<void> {
    if (this.body === undefined || checkBody(this.body) !== undefined) return;
    await this.walker().close();
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        if (this.pending.length > 0) {
          for (const chunk of this.pending) controller.enqueue(chunk);
          this.pending.length = 0;
          return;
        }
        if (this.broken !== undefined) throw this.broken.error;
        if (this.overflow || !this.bodyAllowed) break;
        const step = await this.walker().next();
        // Cancelled while the app was producing: the stream takes nothing more.
        if (this.cancelled) return;
        // write() may have been called during the last step.
        if (step.done === true) {
          if (this.pending.length > 0) continue;
          break;
        }
        this.yielded(step.value);
      }
      // Fewer bytes than Content-Length promised: only an errored stream tells the client.
      const problem = this.endProblem();
      if (problem !== undefined) throw problem;
      // Every byte is out: a close() that fails now is logged, as the server does,
      // and does not break a response that is whole.
      await this.finish().catch((closeError: unknown) => this.log(closeError));
      controller.close();
    } catch (error) {
      if (this.broken === undefined) this.log(error);
      await this.finish().catch((closeError: unknown) => this.log(closeError));
      if (!this.cancelled) controller.error(error);
    }
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.finish();
  }

  /** The gateway's 500, for an error before the headers went out. */
  async fail(error: unknown): Promise<Response> {
    this.log(error);
    await this.finish().catch((closeError: unknown) => this.log(closeError));
    this.status = INTERNAL_ERROR.status;
    this.headers = INTERNAL_ERROR.headers();
    return new Response(INTERNAL_ERROR.body, { status: 500, headers: this.headers });
  }

  /** Logs to `wsgi.errors`; never throws (it runs in the error paths, on whatever the app threw). */
  log(error: unknown): void {
    try {
      this.environ['wsgi.errors'].write(`toFetch: ${describeError(error)}\n`);
    } catch {
      // A broken log must not turn a 500 into a rejected handler.
    }
  }
}
