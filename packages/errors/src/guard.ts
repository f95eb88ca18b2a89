/**
 * The catching both `httpErrors()` and `showExceptions()` do: an error thrown by the
 * app call, a rejected promise, or an error from the body while it is iterated turns
 * into the response a handler makes - as long as no byte of the response went out.
 *
 * The handler answers through PEP 3333's `startResponse(status, headers, excInfo)`:
 * above us, the gateway (or a middleware still holding the response) replaces the
 * status and headers when nothing was sent yet, and rethrows `excInfo` when it was
 * (e.g. after the app's `write()`). A rethrown error travels on to the gateway, which
 * cuts the connection and logs it to `wsgi.errors`, once; the handler logs only what
 * it answered. Once this layer has passed a non-empty chunk up it does not try at all.
 *
 * An array body cannot fail while iterated and is returned as it is (the gateway's
 * one-write path stays); other bodies get a wrapper of the same kind, sync or async,
 * whose `close()` closes the app's body.
 *
 * @example
 * const app2 = guard(app, (error, environ, startResponse) => {
 *   startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
 *   return [Buffer.from('sorry\n')];
 * });
 *
 * @see https://peps.python.org/pep-3333/#error-handling
 * @module
 */
import type { Application, Body, Environ, StartResponse } from '@tsgi/core';

/**
 * Makes the response for `error`: calls `startResponse(status, headers, error)` and
 * returns the body. Throwing (or letting `startResponse` throw) hands the error on.
 */
export type ErrorHandler = (error: unknown, environ: Environ, startResponse: StartResponse) => Uint8Array[];

interface Call {
  environ: Environ;
  startResponse: StartResponse;
  handler: ErrorHandler;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const NOTHING: Iterator<Uint8Array> = { next: () => DONE };

/** What the sync and async wrappers share: the handler's chunks after a failure, and close(). */
abstract class GuardedBody {
  /** The handler's chunks, once the app's body failed (or nothing, once ended). */
  protected replacement: Iterator<Uint8Array> | undefined;
  /** Whether a non-empty chunk went up: then no other response may follow. */
  private passed = false;

  constructor(
    protected readonly body: Body,
    private readonly call: Call,
  ) {}

  /** Passes a chunk of the app's on, noting when bytes went up. */
  protected pass(result: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> {
    if (!result.done && result.value.byteLength > 0) this.passed = true;
    return result;
  }

  /** The handler's response in place of the failed body, or the error again once bytes went up. */
  protected recover(error: unknown): IteratorResult<Uint8Array> {
    if (this.passed) throw error;
    this.replacement = this.call.handler(error, this.call.environ, this.call.startResponse)[Symbol.iterator]();
    return this.replacement.next();
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}

/** Wraps a sync iterable body: the same walk, with the handler's chunks after a failure. */
class GuardedSyncBody extends GuardedBody implements IterableIterator<Uint8Array> {
  private inner: Iterator<Uint8Array> | undefined;

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Uint8Array> {
    if (this.replacement !== undefined) return this.replacement.next();
    try {
      this.inner ??= (this.body as Iterable<Uint8Array>)[Symbol.iterator]();
      return this.pass(this.inner.next());
    } catch (error) {
      return this.recover(error);
    }
  }

  return(): IteratorResult<Uint8Array> {
    this.replacement = NOTHING;
    this.inner?.return?.();
    return DONE;
  }
}

/** Wraps an async iterable body; see GuardedSyncBody. */
class GuardedAsyncBody extends GuardedBody implements AsyncIterableIterator<Uint8Array> {
  private inner: AsyncIterator<Uint8Array> | undefined;

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.replacement !== undefined) return this.replacement.next();
    try {
      this.inner ??= (this.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      return this.pass(await this.inner.next());
    } catch (error) {
      return this.recover(error);
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.replacement = NOTHING;
    await this.inner?.return?.();
    return DONE;
  }
}

/** The app's body, guarded when it is one that can still fail. */
function guardBody(body: Body, environ: Environ, startResponse: StartResponse, handler: ErrorHandler): Body {
  if (Array.isArray(body) || body === null || typeof body !== 'object') return body;
  const call: Call = { environ, startResponse, handler };
  if (Symbol.asyncIterator in body) return new GuardedAsyncBody(body, call);
  if (Symbol.iterator in body) return new GuardedSyncBody(body, call);
  // Not a body at all: the gateway (or lint) says what is wrong with it.
  return body;
}

/** `app` with its errors answered by `handler`; see the module comment. */
export function guard(app: Application, handler: ErrorHandler): (environ: Environ, startResponse: StartResponse) => Body | Promise<Body> {
  return function guardedApp(environ, startResponse) {
    let result: Body | Promise<Body>;
    try {
      result = app(environ, startResponse);
    } catch (error) {
      return handler(error, environ, startResponse);
    }
    if (result instanceof Promise) {
      return result.then(
        (body) => guardBody(body, environ, startResponse, handler),
        (error: unknown) => handler(error, environ, startResponse),
      );
    }
    return guardBody(result, environ, startResponse, handler);
  };
}
