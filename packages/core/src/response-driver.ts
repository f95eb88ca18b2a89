/**
 * The walk of a response, written once for every output: the server's socket,
 * `toFetch`'s stream and `testClient`'s collector each extend `ResponseDriver` and
 * implement only its sink, how bytes leave (`ResponseSink`: `sendHead`, `sendChunk`,
 * `sendEnd`, `sendAbort`). The rest is here, on top of `ResponseState`'s checks and
 * `BodyWalk`'s one `close()`:
 *
 * - `startResponse` and the `write` callable; the first `write()` sends the headers,
 *   even when empty, and status and headers otherwise wait for the first non-empty chunk.
 * - An array body is sent in one `sendEnd` with its length known; a sync body's first
 *   chunk is held one step, so a body of one chunk is too. Anything else is pulled one
 *   chunk at a time, and not again while the sink is full (`sendChunk` returned false)
 *   until it calls `resume()`.
 * - Never more bytes than the app's Content-Length (the rest is cut and logged); fewer
 *   is an error after the headers. HEAD and 1xx/204/205/304 send headers only.
 * - An error before the headers is core's `INTERNAL_ERROR` (500); after them the sink
 *   aborts (cuts the connection, errors the stream). Both are logged to the output's
 *   error stream through `describeError`; a `ConnectionAbort` is cut, unlogged.
 * - However it ends (done, HEAD, error, `clientGone()`), the iteration is stopped and
 *   `close()` is called once.
 *
 * @example
 * const writer = new NodeResponseWriter(req, res, errors, input); // a ResponseDriver
 * void writer.run(app, environ); // never rejects; settles once the body is closed
 *
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import { checkBody } from './body-check.js';
import { BodyWalk } from './body-walk.js';
import { isConnectionAbort } from './connection-abort.js';
import { isPromise } from './promise.js';
import { ResponseSink } from './response-sink.js';
import { INTERNAL_ERROR, ResponseError } from './response-state.js';
import type { Application, Body, Environ, ErrorStream, StartResponse, Write } from './types.js';

/** One response driven from what the app returns into a sink the subclass implements. */
export abstract class ResponseDriver extends ResponseSink {
  /** The response is over (sent, failed, or the client left); the body is closed or closing. */
  finished = false;
  /** The client went away, or stopped reading: nothing more goes out. */
  gone = false;
  /** The walk over the returned body, once `respond()` took it. */
  protected walk: BodyWalk | null = null;
  /**
   * A sync body's first chunk, held one step: if it is the only one, it goes out with
   * its length. For the app the headers went out with it (`headersSent`): a later
   * `startResponse` with excInfo rethrows, an error cuts. Only the sink has not seen them.
   */
  private firstChunk: Uint8Array | null = null;
  private closing: void | Promise<void> = undefined;

  // Written out: the implicit one is `constructor(...args) { super(...args); }`, a spread
  // of the arguments per response (bench/cost's walk stage: 2,418 -> 2,351 instructions).
  // V8's generic construct stub is still in the socket profile: the class chain itself.
  constructor(head: boolean, errors: ErrorStream, gateway: string) {
    super(head, errors, gateway);
  }

  /**
   * PEP 3333's `write` callable, made with `startResponse` in the constructor (one
   * context for both). Not made inside `startResponse` on its first call: a closure
   * created inside another per-response closure set V8 pretenuring the whole request's
   * objects under toFastify (every request's graph survived scavenges until a
   * mark-compact: 2-6 of them per 20,000 requests against 0-1; docs/benchmarks.md,
   * issue #33), as the logger's `write` made inside `start()` once did.
   */
  private readonly writeFn: Write = (chunk) => this.write(chunk);

  /** The `startResponse` the app is called with. */
  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    this.start(status, headers, excInfo);
    return this.writeFn;
  };

  /**
   * Calls `app` and sends what it returns (awaiting a thenable first). The Promise, when
   * there is one, settles once the response is over and the body closed; it never rejects.
   */
  run(app: Application, environ: Environ): void | Promise<void> {
    let result: Body | PromiseLike<Body>;
    try {
      result = app(environ, this.startResponse);
      // Inside the try: asking for `then` runs a getter (or a Proxy trap) of the app's.
      if (isPromise<Body>(result)) {
        this.watch();
        return Promise.resolve(result).then(
          (body) => this.respond(body),
          (error: unknown) => this.fail(error),
        );
      }
    } catch (error) {
      return this.fail(error);
    }
    return this.respond(result);
  }

  /** Sends the body the app returned. Never throws; the Promise never rejects. */
  respond(body: Body): void | Promise<void> {
    let problem: string | undefined;
    let file = false;
    try {
      problem = checkBody(body);
      if (problem === undefined) {
        this.walk = new BodyWalk(body);
        file = !Array.isArray(body) && this.isFile(body);
      }
    } catch (error) {
      // A Proxy whose traps throw: looking at it is the app's error, not the output's end.
      if (!this.finished) return this.fail(error);
      this.log('error in application', error);
      return this.closing;
    }
    // The client left while the app was working: nothing to send, but the body it made
    // must still be closed.
    if (this.finished) return (this.closing = this.closeWalk());
    if (problem !== undefined) return this.fail(new TypeError(`${this.gateway}: ${problem}`));
    if (!this.headersSent) {
      if (Array.isArray(body)) return this.respondArray(body as readonly Uint8Array[]);
      if (file) return this.respondFile(body);
    }
    return this.respondStream();
  }

  /** The client went away (or stopped reading): stop the body now, its `finally` runs, and close it. */
  clientGone(): void | Promise<void> {
    if (this.finished) return this.closing;
    this.gone = true;
    this.resume();
    return this.finish();
  }

  /**
   * An error of the app's: logged and answered with a 500 before the headers went out,
   * logged and aborted after them; a `ConnectionAbort` is aborted, unlogged. Then the
   * body is closed.
   */
  fail(error: unknown): void | Promise<void> {
    if (!this.finished) {
      if (this.raises(error)) this.sendAbort(error);
      else {
        const dropped = isConnectionAbort(error);
        if (!dropped) this.log('error in application', error);
        if (this.headersSent) this.abortSent(error);
        else if (dropped) this.sendAbort(error);
        else this.answerError(error);
      }
    }
    return this.finish();
  }

  /** Ends the iteration if it is still open and closes the body: once, however the response ended. */
  protected finish(): void | Promise<void> {
    if (this.finished) return this.closing;
    this.finished = true;
    return (this.closing = this.closeWalk());
  }

  /**
   * PEP 3333's `write` callable: the first call sends the headers, even with an empty
   * chunk ("upon the application's first invocation of the write() callable"), which
   * is how an app opens a stream before its first event; then the bytes.
   */
  private write(chunk: Uint8Array): void {
    this.checkWrite(chunk);
    if (this.finished) {
      // The app hears of a client gone through its own means (tsgi.connection); its
      // late bytes are dropped. After a complete response they are a mistake.
      if (this.gone) return;
      throw new Error(`${this.gateway}: write() was called after the response ended`);
    }
    const send = chunk.byteLength > 0 && this.bodyAllowed;
    if (!this.committed) {
      this.commit(-1, !send);
      this.releaseFirst();
    }
    if (send) this.writeChunk(chunk);
  }

  /** The held first chunk goes out (the headers just did). */
  private releaseFirst(): void {
    const first = this.firstChunk;
    if (first === null) return;
    this.firstChunk = null;
    if (this.bodyAllowed) this.writeChunk(first);
  }

  /** An array body with its status set: whole, in one `sendEnd`, unless its Content-Length disagrees. */
  private respondArray(body: readonly Uint8Array[]): void | Promise<void> {
    try {
      let total = 0;
      for (let i = 0; i < body.length; i++) {
        const chunk = body[i]!;
        this.checkChunk(chunk);
        total += chunk.byteLength;
      }
      if (this.status === undefined) throw this.endProblem()!;
      if (!this.bodyAllowed) {
        this.commit(0, false);
        this.sendEnd(undefined);
      } else if (this.contentLength >= 0 && this.contentLength !== total) {
        // The walk decides how it ends: cut at the Content-Length, or cut short.
        return this.respondStream();
      } else {
        this.commit(total, false);
        this.take(total);
        this.sendEnd(body.length === 1 ? body[0] : body.length === 0 ? undefined : body);
      }
    } catch (error) {
      return this.fail(error);
    }
    return this.finish();
  }

  private async respondFile(body: Body): Promise<void> {
    this.watch();
    try {
      if (this.status === undefined) throw this.endProblem()!;
      if (!this.bodyAllowed) {
        this.commit(0, false);
        this.sendEnd(undefined);
      } else {
        await this.sendFile(body);
        if (this.gone) return this.closing;
        return this.complete();
      }
    } catch (error) {
      return this.gone ? this.closing : this.fail(error);
    }
    return this.finish();
  }

  private async respondStream(): Promise<void> {
    const walk = this.walk!;
    this.watch();
    try {
      const sync = walk.sync;
      for (;;) {
        // No content to send (HEAD, 204, 205, 304), even after write() sent the headers.
        if (this.status !== undefined && !this.bodyAllowed) break;
        let step = walk.next();
        if (!sync) step = await step;
        if (this.gone) return this.closing;
        const { done, value } = step as IteratorResult<Uint8Array>;
        if (done === true) break;
        this.checkChunk(value);
        if (value.byteLength === 0) continue;
        if (!this.committed) {
          if (!this.bodyAllowed) break;
          // Hold the first chunk of a sync body one step: if it is the only one, it
          // goes out with its length in one call. (An async body may pause for long
          // between chunks, so its first chunk goes out at once.)
          if (sync && this.firstChunk === null) {
            this.firstChunk = value;
            this.headersSent = true;
            continue;
          }
          this.commit(-1, false);
          this.releaseFirst();
        }
        const room = this.overflow || this.writeChunk(value);
        if (this.overflow) break;
        if (this.gone) return this.closing;
        if (!room) {
          await this.drained();
          if (this.gone) return this.closing;
        }
      }
      return this.complete();
    } catch (error) {
      return this.fail(error);
    }
  }

  /** The walk is over (done, no content, or cut at the Content-Length): end the response. Throws an end problem. */
  private complete(): void | Promise<void> {
    if (this.status === undefined) throw this.endProblem()!;
    this.stopWalk();
    if (!this.committed) {
      const first = this.bodyAllowed ? this.firstChunk : null;
      this.firstChunk = null;
      const length = first === null ? 0 : first.byteLength;
      if (this.contentLength < 0 || this.contentLength === length || !this.bodyAllowed) {
        // The whole response is in hand: one call, with its length.
        this.commit(length, false);
        this.take(length);
        this.sendEnd(first ?? undefined);
        return this.finish();
      }
      // A Content-Length the body disagrees with: sent as streamed, so the cut below
      // (or the overflow) tells the client.
      this.commit(-1, false);
      if (first !== null) this.writeChunk(first);
    }
    if (this.overflow) {
      const cut = `the body is longer than its Content-Length (${this.contentLength}); it was cut there`;
      this.log('error in application', new ResponseError('body.content-length', cut));
    }
    const problem = this.endProblem();
    if (problem !== undefined) throw problem;
    this.sendEnd(undefined);
    return this.finish();
  }

  /**
   * An error once the headers count as sent: the sink aborts. A held first chunk goes
   * out first, so that holding it never shows: the client sees what it would have
   * seen without the hold.
   */
  private abortSent(error: unknown): void {
    if (!this.committed) {
      try {
        this.commit(-1, false);
        this.releaseFirst();
      } catch {
        // Cut all the same.
      }
    }
    this.sendAbort(error);
  }

  /** The 500 for an error before the headers; if even that cannot go out, the sink aborts. */
  private answerError(error: unknown): void {
    try {
      this.firstChunk = null;
      const body = INTERNAL_ERROR.body;
      this.accept(INTERNAL_ERROR.status, INTERNAL_ERROR.headers(), body.byteLength);
      const allowed = this.bodyAllowed;
      this.commit(allowed ? body.byteLength : 0, false);
      this.take(allowed ? body.byteLength : 0);
      this.sendEnd(allowed ? body : undefined);
    } catch {
      this.sendAbort(error);
    }
  }

  /** Ends the body's iteration early (HEAD, no content, a cut at Content-Length). */
  private stopWalk(): void {
    try {
      const result = this.walk?.stop();
      if (result !== undefined) result.then(undefined, (error: unknown) => this.closeFailed(error));
    } catch (error) {
      this.closeFailed(error);
    }
  }

  private closeWalk(): void | Promise<void> {
    try {
      const result = this.walk?.close();
      if (result !== undefined) return result.then(undefined, (error: unknown) => this.closeFailed(error));
    } catch (error) {
      this.closeFailed(error);
    }
  }
}
