/**
 * One request inside `toFetch`: core's `ResponseDriver` walks the app's response (the
 * rules, the 500 before the headers, the one `close()`); this class is its sink, a
 * fetch `Response`.
 *
 * - A response whole in hand when its head goes out (an array of one chunk, a sync
 *   body of one chunk, no content) is a `Response` of those bytes, so the runtime
 *   sends it with a Content-Length. Anything else is a `ReadableStream` with
 *   highWaterMark 0: the walk pulls the app's next chunk only when the runtime reads
 *   (each `pull()` resumes it), so a slow client never makes it hold more than a
 *   chunk; chunks pass through uncopied.
 * - An error after the head errors the stream (the runtime cuts the response); one
 *   before it is the 500, or with `rethrow` (or a `ConnectionAbort`, which a fetch
 *   handler cannot answer by cutting) the handler's rejection.
 * - Cancelling the stream (the client left) stops the body and closes it; a stream
 *   that completes closes only after the body's `close()` has settled, so a runtime
 *   that ends the request with the stream (Workers) does not cut that work off.
 *
 * @example
 * const exchange = new FetchExchange(environ, request, false);
 * return exchange.handle(app);
 *
 * @see https://streams.spec.whatwg.org/#underlying-source-api
 * @see https://fetch.spec.whatwg.org/#response-class
 * @module
 */
import { getHeader, type Application, type Environ } from '@tsgi/core';
import { ResponseDriver, readableError } from '@tsgi/core/gateway';

/** The Response body's underlying source (the exchange has a `start()` of its own). */
class ExchangeSource {
  constructor(private readonly exchange: FetchExchange) {}
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.exchange.controller = controller;
  }
  pull(): void {
    this.exchange.pulled();
  }
  cancel(): void | Promise<void> {
    return this.exchange.clientGone();
  }
}

export class FetchExchange extends ResponseDriver {
  /** The Response body's controller, once the response streams. */
  controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private response: Response | undefined;
  private answered: (() => void) | undefined;
  /** An error for the handler to reject with: nothing went out. */
  private raised: { error: unknown } | undefined;
  /** The runtime asked for a chunk the walk has not given yet. */
  private wanted = false;
  /** The last bytes are in the stream; it closes once the body's close() settled. */
  private ending = false;
  /** A WebSocket handshake switched: the runtime's answer (none on Bun, which answered itself). */
  switched: { response: Response | undefined } | undefined;

  constructor(
    private readonly environ: Environ,
    head = false,
    /** Errors before the Response go to the handler's caller (`toFetch`'s `rethrow`). */
    private readonly rethrow = false,
  ) {
    super(head, environ['wsgi.errors'], 'toFetch');
  }

  /** Runs `app` and gives its Response once the head is out; rejects only with `raised`. */
  handle(app: Application): Promise<Response> {
    return this.answer(this.run(app, this.environ));
  }

  /**
   * The Response of a run in progress (the driver's `run`, or a WebSocket handshake's)
   * once its head is out, or the runtime's answer to a switch (`switched`); rejects
   * only with `raised`.
   */
  async answer(running: void | Promise<void>): Promise<Response> {
    if (this.response === undefined && running !== undefined) {
      await new Promise<void>((resolve) => {
        this.answered = resolve;
        void running.then(resolve);
      });
    }
    if (this.response !== undefined) return this.response;
    // Bun answered an upgrade itself: its fetch handler returns undefined.
    if (this.switched !== undefined) return this.switched.response as Response;
    if (this.raised !== undefined) throw this.raised.error;
    throw new Error('toFetch: the response ended without an answer');
  }

  /** The runtime reads: the walk may go on. */
  pulled(): void {
    this.wanted = true;
    this.resume();
  }

  protected sendHead(_length: number, flush: boolean): void {
    // Fetch cannot express a 1xx as the final status (RFC 9110 15.2): an error while
    // nothing went out yet, so the 500 answers it. Nor a code past 599.
    if (this.code < 200 || this.code > 599) {
      throw new RangeError(`toFetch: a fetch Response cannot have the status ${JSON.stringify(this.status)}`);
    }
    if (flush) this.open();
  }

  protected sendChunk(chunk: Uint8Array): boolean {
    this.open();
    // A read that comes in while this one is served (a second read queued at once)
    // has to be answered too: then the walk goes on without waiting for another pull.
    this.wanted = false;
    this.controller!.enqueue(chunk);
    return this.wanted;
  }

  protected sendEnd(last: Uint8Array | readonly Uint8Array[] | undefined): void {
    if (this.response === undefined && !Array.isArray(last)) {
      // Whole in hand: the runtime sends it with its length.
      this.settle(this.make((last as Uint8Array | undefined) ?? null));
      return;
    }
    this.open();
    const controller = this.controller;
    if (controller === undefined) return;
    if (last instanceof Uint8Array) controller.enqueue(last);
    else if (last !== undefined) for (const chunk of last) controller.enqueue(chunk);
    this.ending = true;
  }

  protected sendAbort(error: unknown): void {
    if (!this.headersSent) {
      this.raised = { error };
      return;
    }
    this.open();
    // The runtime (or a host above, reading the stream) reads the error unguarded.
    if (!this.gone) this.controller?.error(readableError(error, 'toFetch: the response body failed: '));
  }

  protected override raises(): boolean {
    return this.rethrow && !this.headersSent;
  }

  protected override finish(): void | Promise<void> {
    const closing = super.finish();
    if (this.ending) {
      this.ending = false;
      if (closing === undefined) this.closeStream();
      else void closing.then(() => this.closeStream());
    }
    return closing;
  }

  protected where(): string {
    return `${this.environ.REQUEST_METHOD} ${this.environ.REQUEST_URI ?? ''}`;
  }

  /** The Response, made once: with a body stream, or none when the status allows none. */
  private open(): void {
    if (this.response !== undefined) return;
    this.settle(this.make(this.bodyAllowed ? new ReadableStream(new ExchangeSource(this), { highWaterMark: 0 }) : null));
  }

  private make(body: ReadableStream<Uint8Array> | Uint8Array | null): Response {
    const init: ResponseInit & { encodeBody?: 'manual' } = { status: this.code, statusText: this.status!.slice(4), headers: this.headers };
    // The body is already in its Content-Encoding (gzip() made it): Workers would encode
    // it again unless told it is done. Other runtimes ignore the unknown member.
    if (getHeader(this.headers, 'Content-Encoding') !== undefined) init.encodeBody = 'manual';
    return new Response(body, init);
  }

  private settle(response: Response): void {
    this.response = response;
    this.answered?.();
  }

  private closeStream(): void {
    if (this.gone) return;
    try {
      this.controller?.close();
    } catch {
      // Cancelled meanwhile: the runtime has let go of the stream.
    }
  }
}
