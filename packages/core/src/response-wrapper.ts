/**
 * The one response wrapper for middleware, the role Rack's `BodyProxy` and a returned
 * `[status, headers, body]` triple play: a middleware says what it does to a response
 * in a small hooks object made once at factory time, and {@link wrapResponse} does the
 * protocol around it (the startResponse it hands the app, the held status, buffered
 * `write()` calls, the lazy app whose first chunk must be pulled, sync and async
 * bodies, `close()` exactly once). A middleware never writes its own holder or a
 * sync/async pair of body wrappers.
 *
 * What a hook can do:
 * - `start`: see or change status and headers on their way up (CORS, security
 *   headers, a request id, a session cookie whose value is known). The response is
 *   not held: lazy apps and streaming are untouched.
 * - `respond`: hold status and headers until the body is known, then decide,
 *   possibly asynchronously (gzip's threshold, a 304, a session saved to a store):
 *   change the head, and return the body to send (the app's, or a replacement; the
 *   app's body is still closed, once, when the replacement is).
 * - `chunk`: see or replace each chunk on its way up, `write()` chunks included.
 * - `end`: the body's iteration finished or threw (not called when it was stopped
 *   early, e.g. the client left).
 * - `pull`: runs each step of the body's iteration (every `next()` and `return()`):
 *   a middleware calls `step` inside its own context, so the app's code that runs
 *   while its (async) generator body is pulled sees it (a tracing span's context, an
 *   AsyncLocalStorage store), as it did while the app itself ran.
 * - `close`: once, after the body's own `close()` ran, however the response ended
 *   (a span that ends with the body, an access-log line, a lock released).
 *
 * Bodies keep their kind: an array stays an array (the gateway's one-write path),
 * a sync iterable stays sync, an async one async (`isAsyncBody` decides, as every
 * walker does). With none of `chunk`, `end`, `pull`, `close` the app's body is returned
 * as is; an array has no steps to pull. A `wsgi.file_wrapper` body is left as it is
 * unless there is a `chunk` hook, so the gateway still sends it by its own path (with
 * its length): like an array, its content is fixed, so `end` runs at once.
 *
 * Errors are not caught: a throw from the app, its body or a hook travels on to the
 * layer above, as it would without the wrapper.
 *
 * @example
 * const hooks: ResponseHooks<Environ> = {
 *   // head.headers is the app's own list (often one constant array): assign a new one.
 *   start(head) { head.headers = head.headers.concat([['X-Frame-Options', 'DENY']]); },
 * };
 * const frameGuard: Middleware = (app) => function frameGuardApp(environ, startResponse) {
 *   return wrapResponse(app, environ, startResponse, hooks, environ);
 * };
 *
 * @see https://peps.python.org/pep-3333/#middleware-components-that-play-both-sides
 * @see https://github.com/rack/rack/blob/main/lib/rack/body_proxy.rb
 * @module
 */
import { isAsyncBody } from './body-check.js';
import { hookClose, type CloseHook } from './body.js';
import { isPromise } from './promise.js';
import { ResponseError } from './response-state.js';
import type { Application, Body, Environ, ResponseHeaders, StartResponse, Write } from './types.js';

/** The status and headers of a response on their way up; hooks may change both. */
export interface ResponseHead {
  status: string;
  /** The app's own list, which it may reuse for every request: replace it, never change it in place. */
  headers: ResponseHeaders;
}

/**
 * What a middleware does to the responses it wraps; see the module comment. Made once
 * at factory time; `state` is the per-request value given to {@link wrapResponse}.
 */
export interface ResponseHooks<S> {
  /** Status and headers before they go up; called for every startResponse call (also one with excInfo). */
  start?(head: ResponseHead, state: S): void;
  /**
   * Holds status and headers until the body is known, then decides: may change `head`
   * and returns the body to send. Runs once, before `start`.
   */
  respond?(head: ResponseHead, body: Body, state: S): Body | Promise<Body>;
  /** Each chunk on its way up (body chunks and `write()` chunks); returns the chunk to send. */
  chunk?(chunk: Uint8Array, state: S): Uint8Array;
  /** The body's iteration finished (`error` undefined) or threw. */
  end?(state: S, error?: unknown): void;
  /** Once, after the body's own close() (even when that threw). */
  close?(state: S): void | Promise<void>;
  /** Runs one step of the body's iteration: must call `step` once and return what it returns. */
  pull?<R>(state: S, step: () => R): R;
}

/**
 * Calls `app` with a startResponse that applies `hooks`, and returns the body to hand
 * up. A layer that has nothing to do for a request calls `app` directly instead.
 */
export function wrapResponse<S>(
  app: Application,
  environ: Environ,
  startResponse: StartResponse,
  hooks: ResponseHooks<S>,
  state: S,
): Body | Promise<Body> {
  const response = new WrappedResponse(startResponse, hooks, state);
  const result = app(environ, response.startResponse);
  return isPromise(result) ? Promise.resolve(result).then(response.finishBound) : response.finish(result as Body);
}

function passChunk(chunk: unknown): boolean {
  return chunk instanceof Uint8Array;
}

/** The tag @tsgi/server puts on its `wsgi.file_wrapper` bodies (`Symbol.for`: no import needed). */
const FILE_BODY = Symbol.for('tsgi.file_wrapper');

function isFileBody(body: Body): boolean {
  return (body as { [FILE_BODY]?: unknown })[FILE_BODY] === true;
}

/** One request's response as the hooks see it. */
class WrappedResponse<S> {
  readonly startResponse: StartResponse;
  readonly finishBound: (body: Body) => Body | Promise<Body>;
  /** The held head (respond hook only), until it is sent. */
  private head: ResponseHead | undefined = undefined;
  private excInfo: unknown = undefined;
  /** The upstream write once the head went up. */
  private upstreamWrite: Write | undefined = undefined;
  /** write() chunks the app sent while the head was held. */
  private pending: Uint8Array[] | undefined = undefined;
  private bufferedWrite: Write | undefined = undefined;

  constructor(
    private readonly upstream: StartResponse,
    private readonly hooks: ResponseHooks<S>,
    private readonly state: S,
  ) {
    this.startResponse = hooks.respond === undefined ? this.forward.bind(this) : this.hold.bind(this);
    this.finishBound = this.finish.bind(this);
  }

  /** startResponse without holding: the start hook, then up. */
  private forward(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    const head: ResponseHead = { status, headers };
    this.hooks.start?.(head, this.state);
    return this.watchWrite(this.upstream(head.status, head.headers, excInfo));
  }

  /** startResponse while holding: keep the head until the body is known. */
  private hold(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    if (this.upstreamWrite !== undefined) return this.forward(status, headers, excInfo);
    if (this.head !== undefined && (excInfo === undefined || excInfo === null)) {
      throw new ResponseError(
        'start-response.twice',
        `startResponse(${JSON.stringify(status)}) was called a second time without excInfo (the first set ${JSON.stringify(this.head.status)})`,
      );
    }
    this.head = { status, headers };
    this.excInfo = excInfo;
    return (this.bufferedWrite ??= this.buffer.bind(this));
  }

  private buffer(chunk: Uint8Array): void {
    if (this.upstreamWrite !== undefined) this.upstreamWrite(chunk);
    else (this.pending ??= []).push(chunk);
  }

  /** The upstream write, through the chunk hook when there is one. */
  private watchWrite(write: Write): Write {
    const chunkHook = this.hooks.chunk;
    if (chunkHook === undefined) return write;
    const state = this.state;
    return (chunk) => write(passChunk(chunk) ? chunkHook(chunk, state) : chunk);
  }

  /** Sends the held head (through the start hook) and what was written meanwhile. */
  private commit(head: ResponseHead): void {
    this.hooks.start?.(head, this.state);
    const write = (this.upstreamWrite = this.watchWrite(this.upstream(head.status, head.headers, this.excInfo)));
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) for (const chunk of pending) write(chunk);
  }

  /** The body to hand up for the app's `body`. */
  finish(body: Body): Body | Promise<Body> {
    const respond = this.hooks.respond;
    if (respond === undefined || this.upstreamWrite !== undefined) return this.observe(body, body);
    const head = this.head;
    if (head === undefined) {
      // No head yet: a lazy app calls startResponse from its first iteration. An
      // array (or a non-body) cannot: hand it up for the gateway to report.
      if (Array.isArray(body) || typeof body !== 'object' || body === null) return body;
      return this.pullFirst(body);
    }
    return this.decide(head, body);
  }

  /** The respond hook's choice, sent; `original` is closed when the choice replaces it. */
  private decide(head: ResponseHead, original: Body): Body | Promise<Body> {
    let chosen: Body | Promise<Body>;
    try {
      chosen = this.hooks.respond!(head, original, this.state);
    } catch (error) {
      return closeAndThrow(original, error);
    }
    if (isPromise(chosen)) {
      return Promise.resolve(chosen).then(
        (sent) => this.send(head, sent, original),
        (error: unknown) => closeAndThrow(original, error),
      );
    }
    return this.send(head, chosen, original);
  }

  private send(head: ResponseHead, body: Body, original: Body): Body {
    this.commit(head);
    return this.observe(body, original);
  }

  private async pullFirst(body: Body): Promise<Body> {
    const iterator = isAsyncBody(body) ? body[Symbol.asyncIterator]() : (body as Iterable<Uint8Array>)[Symbol.iterator]();
    let step: IteratorResult<Uint8Array>;
    try {
      const pull = this.hooks.pull;
      step = await (pull === undefined ? iterator.next() : pull(this.state, () => iterator.next()));
    } catch (error) {
      return closeAndThrow(body, error);
    }
    const resumed = resumeBody(body, { iterator, step });
    const head = this.head;
    if (head === undefined) return resumed; // the gateway reports the missing startResponse
    return this.decide(head, resumed);
  }

  /**
   * `body` with the chunk/end/close hooks applied; `original` is the app's body, to
   * be closed too when `body` replaces it.
   */
  private observe(body: Body, original: Body): Body {
    // Not a body: handed up as it is, for the gateway to say what is wrong with it.
    if (typeof body !== 'object' || body === null) return body;
    const { chunk, end, close, pull } = this.hooks;
    let out = body;
    if (Array.isArray(body)) {
      if (chunk !== undefined || end !== undefined) out = this.observeArray(body as Uint8Array[] & Body);
    } else if (chunk === undefined && isFileBody(body)) {
      end?.(this.state);
    } else if (chunk !== undefined || end !== undefined || pull !== undefined) {
      out = observedBody(body, this.hooks, this.state);
    }
    if (close === undefined && body === original) return out;
    return hookClose(out, new ResponseCloseHook(body === original ? undefined : original, this.hooks, this.state));
  }

  private observeArray(body: Uint8Array[] & Body): Body {
    const { chunk, end } = this.hooks;
    let out: Body = body;
    if (chunk !== undefined) {
      const mapped: Uint8Array[] & Body = body.map((c) => (passChunk(c) ? chunk(c, this.state) : c));
      if (typeof body.close === 'function') mapped.close = body.close.bind(body);
      out = mapped;
    }
    end?.(this.state);
    return out;
  }
}

/** A step already pulled from an iterator, to be handed on first. */
interface FirstStep {
  iterator: Iterator<Uint8Array> | AsyncIterator<Uint8Array>;
  step: IteratorResult<Uint8Array>;
}

async function closeAndThrow(body: Body, error: unknown): Promise<never> {
  try {
    await body.close?.();
  } catch {
    // The first error is the one that tells what happened.
  }
  throw error;
}

/** The body again from an iteration already started; close() ends it and closes the original. */
function resumeBody(body: Body, first: FirstStep): Body {
  const resumed = {
    close: () => finishIteration(body, first.iterator),
  };
  if (isAsyncBody(body)) {
    return Object.assign(resumed, { [Symbol.asyncIterator]: () => continueAsync(first) });
  }
  return Object.assign(resumed, { [Symbol.iterator]: () => continueSync(first) });
}

async function finishIteration(body: Body, iterator: Iterator<Uint8Array> | AsyncIterator<Uint8Array>): Promise<void> {
  try {
    await iterator.return?.();
  } finally {
    await body.close?.();
  }
}

async function* continueAsync(first: FirstStep): AsyncGenerator<Uint8Array> {
  const iterator = first.iterator as AsyncIterator<Uint8Array>;
  for (let step = first.step; !step.done; step = await iterator.next()) yield step.value;
}

function* continueSync(first: FirstStep): Generator<Uint8Array> {
  const iterator = first.iterator as Iterator<Uint8Array>;
  for (let step = first.step; !step.done; step = iterator.next()) yield step.value;
}

/** Closes the body handed up, then a replaced original, then runs the close hook: once. */
class ResponseCloseHook<S> implements CloseHook {
  innerClose: (() => void | Promise<void>) | undefined = undefined;
  closeTarget: Body | undefined = undefined;
  private done = false;

  constructor(
    private readonly replaced: Body | undefined,
    private readonly hooks: ResponseHooks<S>,
    private readonly state: S,
  ) {}

  closeHooked(): void | Promise<void> {
    if (this.done) return;
    this.done = true;
    const steps: Array<() => void | Promise<void>> = [];
    const inner = this.innerClose;
    if (inner !== undefined) steps.push(() => inner.call(this.closeTarget));
    const replaced = this.replaced;
    if (replaced !== undefined && typeof replaced.close === 'function') steps.push(() => replaced.close!());
    const close = this.hooks.close;
    if (close !== undefined) steps.push(() => close(this.state));
    return runAll(steps);
  }
}

/**
 * Runs every step even when one throws; a Promise only when a step returns one. The
 * first error is thrown after all ran.
 */
function runAll(steps: Array<() => void | Promise<void>>, from = 0, failure?: { error: unknown }): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    let result: void | Promise<void>;
    try {
      result = steps[i]!();
    } catch (error) {
      failure ??= { error };
      continue;
    }
    if (isPromise(result)) {
      return result.then(
        () => runAll(steps, i + 1, failure),
        (error: unknown) => runAll(steps, i + 1, failure ?? { error }),
      );
    }
  }
  if (failure !== undefined) throw failure.error;
}

/** A non-array body whose chunks and end the hooks see; same kind as `body`. */
function observedBody<S>(body: Body, hooks: ResponseHooks<S>, state: S): Body {
  if (isAsyncBody(body)) return new AsyncObservedBody(body as AsyncIterable<Uint8Array> & Body, hooks, state);
  return new SyncObservedBody(body as Iterable<Uint8Array> & Body, hooks, state);
}

class SyncObservedBody<S> implements IterableIterator<Uint8Array> {
  private inner: Iterator<Uint8Array> | undefined = undefined;
  private stepBound: (() => IteratorResult<Uint8Array>) | undefined = undefined;

  constructor(
    private readonly body: Iterable<Uint8Array> & Body,
    private readonly hooks: ResponseHooks<S>,
    private readonly state: S,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Uint8Array> {
    let step: IteratorResult<Uint8Array>;
    try {
      const pull = this.hooks.pull;
      step = pull === undefined ? this.step() : pull(this.state, (this.stepBound ??= this.step.bind(this)));
    } catch (error) {
      this.hooks.end?.(this.state, error);
      throw error;
    }
    return observeStep(step, this.hooks, this.state);
  }

  private step(): IteratorResult<Uint8Array> {
    this.inner ??= this.body[Symbol.iterator]();
    return this.inner.next();
  }

  return(value?: unknown): IteratorResult<Uint8Array> {
    const inner = this.inner;
    const pull = this.hooks.pull;
    if (pull === undefined) inner?.return?.(value);
    else if (inner?.return !== undefined) pull(this.state, () => inner.return!(value));
    return { done: true, value: undefined };
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}

class AsyncObservedBody<S> implements AsyncIterableIterator<Uint8Array> {
  private inner: AsyncIterator<Uint8Array> | undefined = undefined;
  private stepBound: (() => Promise<IteratorResult<Uint8Array>>) | undefined = undefined;

  constructor(
    private readonly body: AsyncIterable<Uint8Array> & Body,
    private readonly hooks: ResponseHooks<S>,
    private readonly state: S,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    let step: IteratorResult<Uint8Array>;
    try {
      const pull = this.hooks.pull;
      step = await (pull === undefined ? this.step() : pull(this.state, (this.stepBound ??= this.step.bind(this))));
    } catch (error) {
      this.hooks.end?.(this.state, error);
      throw error;
    }
    return observeStep(step, this.hooks, this.state);
  }

  private step(): Promise<IteratorResult<Uint8Array>> {
    this.inner ??= this.body[Symbol.asyncIterator]();
    return this.inner.next();
  }

  async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
    const inner = this.inner;
    const pull = this.hooks.pull;
    if (pull === undefined) await inner?.return?.(value);
    else if (inner?.return !== undefined) await pull(this.state, () => inner.return!(value));
    return { done: true, value: undefined };
  }

  close(): void | Promise<void> {
    return this.body.close?.();
  }
}

function observeStep<S>(step: IteratorResult<Uint8Array>, hooks: ResponseHooks<S>, state: S): IteratorResult<Uint8Array> {
  if (step.done === true) {
    hooks.end?.(state);
    return step;
  }
  const chunk = hooks.chunk;
  if (chunk === undefined || !passChunk(step.value)) return step;
  return { done: false, value: chunk(step.value, state) };
}
