/**
 * What an output implements under core's `ResponseDriver`: how a response leaves
 * (`sendHead`, `sendChunk`, `sendEnd`, `sendAbort`), and hooks with defaults for what
 * only some outputs have (a file fast path, a client that can leave, an error thrown
 * to the caller). Also the few steps every sink shares: the head once (`commit`),
 * bytes counted against the app's Content-Length (`writeChunk`), the backpressure
 * handshake (`sendChunk` returns false, the sink calls `resume()`), and the log line.
 *
 * A sink never decides anything about the contract: when the head goes out, what is
 * an error, whether the response is cut, is the driver's.
 *
 * @example
 * class NodeResponseWriter extends ResponseDriver {
 *   protected sendChunk(chunk: Uint8Array): boolean {
 *     return this.res.write(chunk); // false: full; 'drain' calls resume()
 *   }
 *   protected override whenRoom(): void {
 *     this.res.once('drain', () => this.resume());
 *   }
 *   // sendHead, sendEnd, sendAbort, where ...
 * }
 *
 * @see https://peps.python.org/pep-3333/#buffering-and-streaming
 * @module
 */
import { describeError } from './describe-error.js';
import { ResponseState } from './response-state.js';
import type { Body, ErrorStream } from './types.js';

/** The output side of one response: the sink a `ResponseDriver` drives. */
export abstract class ResponseSink extends ResponseState {
  /** The sink got the head (`sendHead`). */
  protected committed = false;
  private waiter: (() => void) | null = null;

  /**
   * `head`: the request was HEAD (no body goes out); `errors`: where the output logs;
   * `gateway`: the name its log lines and errors start with.
   */
  constructor(
    head: boolean,
    readonly errors: ErrorStream,
    protected readonly gateway: string,
  ) {
    super(head);
  }

  /**
   * Status and headers leave (`this.status`, `this.code`, `this.headers`). `length` is
   * the whole body's length when it is known (the response ends with this head, or a
   * file of known size follows; the sink may add a Content-Length), else -1. `flush`:
   * send them now, a `write()` with nothing after it.
   */
  protected abstract sendHead(length: number, flush: boolean): void;
  /** Body bytes; false when the sink is full: it calls `resume()` once it takes more. */
  protected abstract sendChunk(chunk: Uint8Array): boolean;
  /** The response is complete, with its last bytes if any (an array body's chunks in one call). */
  protected abstract sendEnd(last: Uint8Array | readonly Uint8Array[] | undefined): void;
  /** The response cannot be completed: cut the connection, error the stream, or raise `error`. */
  protected abstract sendAbort(error: unknown): void;
  /** The request for log lines, e.g. `GET /path`. */
  protected abstract where(): string;

  /** The response outlives the app's call from now on (a streamed body, a pending app): watch for the client leaving. */
  protected watch(): void {}
  /** The driver waits for `resume()` after `sendChunk` returned false. */
  protected whenRoom(): void {}
  /** Whether `error` goes to the output's caller as it is, unanswered and unlogged. */
  protected raises(_error: unknown): boolean {
    return false;
  }
  /** Whether the sink sends `body` its own way (`sendFile`), e.g. a `wsgi.file_wrapper` body. */
  protected isFile(_body: Body): boolean {
    return false;
  }
  /** Sends a body `isFile` took: `commit()`s the head and counts `written`; the driver ends the response. */
  protected sendFile(_body: Body): Promise<void> {
    return Promise.reject(new Error(`${this.gateway}: isFile() took a body but sendFile() is not implemented`));
  }
  /** A `close()` (or `return()`) of the body failed after the response was decided. */
  protected closeFailed(error: unknown): void {
    this.log('error while closing the response body', error);
  }

  /** A line to the error stream; never throws (it runs on whatever the app threw). */
  protected log(what: string, error: unknown): void {
    try {
      this.errors.write(`${this.gateway}: ${what} (${this.where()}): ${describeError(error)}\n`);
    } catch {
      // A broken log must not take the output down with it.
    }
  }

  /** The sink can take more after `sendChunk` returned false. */
  resume(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Sends status and headers (see `sendHead`); from now on they are final. */
  protected commit(length: number, flush: boolean): void {
    this.sendHead(length, flush);
    this.committed = true;
    this.headersSent = true;
  }

  /** Sends body bytes, never past the app's Content-Length; false when the sink is full. */
  protected writeChunk(chunk: Uint8Array): boolean {
    const n = this.take(chunk.byteLength);
    if (n === chunk.byteLength) return this.sendChunk(chunk);
    return n > 0 ? this.sendChunk(chunk.subarray(0, n)) : true;
  }

  /** Waits until the sink calls `resume()` (or the client left: the driver resumes then). */
  protected drained(): Promise<void> {
    const promise = new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
    this.whenRoom();
    return promise;
  }
}
