/**
 * One request under `timeout()`: the race between the app's response and the clock,
 * and `environ['tsgi.timeout']`, what the app sees of it (the limit, whether it
 * passed, and an `AbortSignal` to stop work the client no longer waits for).
 *
 * The timer is armed only when the app answers with a Promise (a synchronous answer
 * is in time by definition: nothing could have interrupted it), for what is left of
 * `ms` since the request arrived, and cleared as soon as the response starts or the
 * app fails. When it fires first, the client gets the 504 (or the layer above gets
 * the `HttpError`), the signal is aborted, and whatever the app answers later is
 * closed and dropped; an error it throws later goes to `wsgi.errors`, as the gateway
 * would have reported it.
 *
 * @example
 * const deadline = new RequestDeadline(config, environ, startResponse);
 * environ['tsgi.timeout'] = deadline;
 * return isPromise(result) ? deadline.race(result) : result;
 * @module
 */
import { closeBody, type Body, type Environ, type StartResponse } from '@tsgi/core';
import { refusalError, refuse } from './refusal.js';

/** `environ['tsgi.timeout']`: the request's time limit as the app sees it. */
export interface RequestTimeout {
  /** The limit, in milliseconds from when the request reached `timeout()`. */
  readonly ms: number;
  /** True once the limit passed before the app started its response: the client got a 504. */
  readonly timedOut: boolean;
  /**
   * Aborted when the limit passes, with a `TimeoutError` DOMException as its reason:
   * pass it to `fetch`, a database driver, or check it in a loop. Made on first read
   * (an `AbortController` per request would cost every request).
   */
  readonly signal: AbortSignal;
}

/** What every request of one `timeout()` shares. */
export interface DeadlineConfig {
  readonly ms: number;
  readonly throwHttpErrors: boolean;
  /** The one-line reason, made once. */
  readonly message: string;
}

/** Thrown into the response wrapper when the app's response comes after the 504: it closes that body. */
export const LATE = new Error('timeout(): the response came after the time limit; it was closed and dropped');

export class RequestDeadline implements RequestTimeout {
  timedOut = false;
  /** The response started (or the app failed) in time: the timer must not answer. */
  private settled = false;
  private controller: AbortController | undefined = undefined;
  private abortReason: DOMException | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private resolve: ((body: Body) => void) | undefined = undefined;
  private reject: ((error: unknown) => void) | undefined = undefined;
  private readonly t0 = performance.now();

  constructor(
    private readonly config: DeadlineConfig,
    private readonly environ: Environ,
    private readonly startResponse: StartResponse,
  ) {}

  get ms(): number {
    return this.config.ms;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.timedOut) this.controller.abort(this.reason());
    }
    return this.controller.signal;
  }

  /** The response started in time (the wrapper's respond hook). */
  started(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** The app's pending response against what is left of the limit. */
  race(pending: PromiseLike<Body>): Promise<Body> {
    return new Promise<Body>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const left = this.config.ms - (performance.now() - this.t0);
      if (!this.settled) this.timer = setTimeout(expire, Math.max(0, left), this);
      pending.then(
        (body) => this.arrived(body),
        (error: unknown) => this.failed(error),
      );
    });
  }

  private arrived(body: Body): void {
    if (this.timedOut) {
      // A body handed up without the respond hook (the app never called
      // startResponse): nobody else will close it.
      closeBody(body).catch((error: unknown) => this.report(error));
      return;
    }
    this.started();
    this.resolve!(body);
  }

  private failed(error: unknown): void {
    if (this.timedOut) {
      // The app giving up because the signal told it to is what the signal is for.
      if (error !== LATE && !this.isAbortReason(error)) this.report(error);
      return;
    }
    this.started();
    this.reject!(error);
  }

  /** The limit passed first: answer (or throw) 504 and abort the signal. */
  expire(): void {
    if (this.settled) return;
    this.settled = true;
    this.timedOut = true;
    this.controller?.abort(this.reason());
    const { message, throwHttpErrors } = this.config;
    if (throwHttpErrors) {
      this.reject!(refusalError(504, message));
      return;
    }
    let body: Body;
    try {
      body = refuse(this.startResponse, 504, message);
    } catch (error) {
      // The gateway refused (the client may be gone): that error is the answer.
      this.reject!(error);
      return;
    }
    this.resolve!(body);
  }

  /** The signal's reason: one per request, made when the signal is read or aborted. */
  private reason(): DOMException {
    return (this.abortReason ??= new DOMException(this.config.message, 'TimeoutError'));
  }

  private isAbortReason(error: unknown): boolean {
    const reason = this.abortReason;
    return reason !== undefined && (error === reason || (error instanceof Error && error.cause === reason));
  }

  private report(error: unknown): void {
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    this.environ['wsgi.errors'].write(`timeout(): the app failed after its ${this.config.ms} ms were up and the 504 was sent: ${text}\n`);
  }
}

function expire(deadline: RequestDeadline): void {
  deadline.expire();
}
