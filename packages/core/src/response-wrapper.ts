/**
 * The one response wrapper for middleware, the role Rack's `BodyProxy` and a returned
 * `[status, headers, body]` triple play: a middleware says what it does to a response
 * in a small hooks object made once at factory time, and {@link wrapResponse} does the
 * protocol around it (the startResponse it hands the app, the held status, buffered
 * `write()` calls, the lazy app whose first chunk must be pulled, sync and async
 * bodies, errors before the first byte, `close()` exactly once). A middleware never
 * writes its own holder or a sync/async pair of body wrappers.
 *
 * What a hook can do:
 * - `start`: see or change status and headers on their way up (CORS, security
 *   headers, a request id, a session cookie whose value is known). The response is
 *   not held: lazy apps and streaming are untouched.
 * - `sent`: the status and headers the layer above accepted (its startResponse
 *   returned): what the client gets, for a middleware that records it (an access
 *   log). A call it refused (a second one without excInfo, excInfo once bytes went
 *   out) is not reported, so the first status stays the one recorded.
 * - `respond`: hold status and headers until the body is known, then decide,
 *   possibly asynchronously (gzip's threshold, a 304, an ETag, a session saved to a
 *   store): change the head, and return the body to send (the app's, or a
 *   replacement; the app's body is still closed, once, when the replacement is).
 *   Returning {@link DISCARD} drops the response: nothing of it is sent, its writes
 *   are discarded, its body is closed, and `wrapResponse` gives `DISCARD` back to
 *   its caller, which tries something else (cascade's next app). Throwing drops it
 *   too, the error travelling on.
 *   - `hold`: decides at startResponse whether this head is held for `respond` at
 *     all; one that is not goes up at once (most of gzip's responses are decided from
 *     their headers and stream untouched).
 *   - `passLazy`, `passOnWrite`: a body that starts its response lazily, or a
 *     `write()`, ends the hold and sends the head up as it is, for a middleware that
 *     can only use a body returned whole (etag).
 * - `chunk`: see or replace each chunk on its way up, `write()` chunks included.
 * - `bytes`: count what goes up without seeing it: the byte length of each `write()`
 *   (an empty one too, it sends the head), of each non-empty body chunk, and an array
 *   body's total at once. Cheaper than `chunk` for a middleware that only counts (an
 *   access log, a metric): an array is not copied, nothing returns a chunk.
 * - `end`: the body's iteration finished or threw (not called when it was stopped
 *   early, e.g. the client left).
 * - `pull`: runs each step of the body's iteration (every `next()` and `return()`):
 *   a middleware calls `step` inside its own context, so the app's code that runs
 *   while its (async) generator body is pulled sees it (a tracing span's context, an
 *   AsyncLocalStorage store), as it did while the app itself ran.
 * - `close`: once, after the body's own `close()` ran, however the response ended
 *   (a span that ends with the body, an access-log line, a lock released).
 * - `recover`: the app threw, its promise rejected, or its body threw before a
 *   non-empty chunk went up: answer with another response through
 *   `startResponse(status, headers, error)` (PEP 3333's excInfo: the gateway replaces
 *   an unsent head and rethrows when bytes went out, e.g. after a `write()`).
 *
 * Bodies keep their kind: an array stays an array (the gateway's one-write path),
 * a sync iterable stays sync, an async one async (`isAsyncBody` decides, as every
 * walker does). With none of `chunk`, `bytes`, `end`, `pull`, `close`, `recover` the app's
 * body is returned as is; an array has no steps to pull. A `wsgi.file_wrapper` body is
 * left as it is unless there is a `chunk` hook, so the gateway still sends it by its
 * own path (with its length): like an array, its content is fixed, so `end` runs at
 * once, and `recover` does not see its read errors (the gateway answers them).
 * Something that is not a body is handed up as it is, for the gateway
 * to say what is wrong with it, or, when a head is held, refused here in its words.
 *
 * Without `recover`, errors are not caught: a throw from the app, its body or a hook
 * travels on to the layer above, as it would without the wrapper.
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
 * @see https://peps.python.org/pep-3333/#error-handling
 * @see https://github.com/rack/rack/blob/main/lib/rack/body_proxy.rb
 * @module
 */
import { checkBody } from './body-check.js';
import { BodyWalk } from './body-walk.js';
import { arrayBodyLength, hookClose } from './body.js';
import { observedBody, type StepObserver } from './observed-body.js';
import { isPromise } from './promise.js';
import { ResponseCloseHook } from './response-close.js';
import { ResponseError } from './response-state.js';
import { closeAndThrow, resumeBody } from './resumed-body.js';
import type { Application, Body, Environ, ResponseHeaders, StartResponse, Write } from './types.js';

/**
 * What a `respond` hook returns to drop the response, and what {@link wrapResponse}
 * then returns to its caller; see the module comment. An empty body that must never
 * reach a gateway (it would answer 500: no startResponse was called for it).
 */
export const DISCARD: Body = Object.freeze([]) as unknown as Body;

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
  /** Status and headers the layer above accepted (its startResponse returned), after `start`. */
  sent?(head: ResponseHead, state: S): void;
  /**
   * With `respond`: called at each startResponse before anything went up; returns
   * whether to hold this head for `respond`. One not held (it may be changed here)
   * goes up at once through `start`, and `respond` is not called.
   */
  hold?(head: ResponseHead, state: S): boolean;
  /**
   * Holds status and headers until the body is known, then decides: may change `head`
   * and returns the body to send, or {@link DISCARD}. Runs once, before `start`. `written` holds what the
   * app passed to `write()` meanwhile: returning the app's `body`, they are sent
   * first; returning another body, they are that body's to use (gzip compresses
   * them) or drop (a 304), and later `write()` calls are added to the same list.
   */
  respond?(head: ResponseHead, body: Body, state: S, written: Uint8Array[]): Body | Promise<Body>;
  /** With `respond`: a body returned before startResponse goes up unread, its head unheld (else its first chunk is pulled to learn the head). */
  passLazy?: boolean;
  /** With `respond`: a `write()` while held sends the head up as it is, without `respond` (the body is being streamed). */
  passOnWrite?: boolean;
  /** Each chunk on its way up (body chunks and `write()` chunks); returns the chunk to send. */
  chunk?(chunk: Uint8Array, state: S): Uint8Array;
  /**
   * The byte length of what goes up, after `chunk`: each `write()` the layer above
   * accepted (an empty one too: it sends the head, PEP 3333), each non-empty body
   * chunk as it is pulled, and a non-empty array body's total once, when it is handed
   * up (`NaN` when one of its chunks is not bytes: the gateway will answer 500). Not
   * called for a `wsgi.file_wrapper` body the gateway sends by its own path.
   */
  bytes?(length: number, state: S): void;
  /** The body's iteration finished (`error` undefined) or threw. */
  end?(state: S, error?: unknown): void;
  /** Runs one step of the body's iteration: must call `step` once and return what it returns. */
  pull?<R>(state: S, step: () => R): R;
  /** Once, after the body's own close() (even when that threw). */
  close?(state: S): void | Promise<void>;
  /**
   * The app failed before a non-empty body chunk went up: calls
   * `startResponse(status, headers, error)` and returns the body to send instead.
   * Throwing (or letting `startResponse` throw) hands the error on.
   */
  recover?(error: unknown, startResponse: StartResponse, state: S): Uint8Array[];
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
  if (seesHeadOnly(hooks)) return app(environ, headStartResponse(startResponse, hooks, state));
  const response = new WrappedResponse(startResponse, hooks, state);
  let result: Body | Promise<Body>;
  try {
    result = app(environ, response.startResponse);
  } catch (error) {
    return response.fail(error, undefined);
  }
  if (!isPromise(result)) return response.finish(result);
  return Promise.resolve(result).then(
    (body) => response.finish(body),
    hooks.recover === undefined ? undefined : (error: unknown) => response.fail(error, undefined),
  );
}

function ignoreWrite(): void {}

/**
 * Hooks that look at the head alone (`start`, `sent`): the body goes up as the app
 * made it, so the full WrappedResponse (its state, bound methods and body checks) would
 * only cost. cors, secureHeaders, csrf, requestId and rateLimit are such layers.
 */
function seesHeadOnly<S>(hooks: ResponseHooks<S>): boolean {
  return (
    hooks.respond === undefined &&
    hooks.hold === undefined &&
    hooks.chunk === undefined &&
    hooks.bytes === undefined &&
    hooks.end === undefined &&
    hooks.pull === undefined &&
    hooks.close === undefined &&
    hooks.recover === undefined
  );
}

/** The startResponse {@link WrappedResponse} would give for head-only hooks: start, up, sent, on every call. */
function headStartResponse<S>(upstream: StartResponse, hooks: ResponseHooks<S>, state: S): StartResponse {
  return function headHookedStartResponse(status, headers, excInfo) {
    const head: ResponseHead = { status, headers };
    hooks.start?.(head, state);
    const write = upstream(head.status, head.headers, excInfo);
    hooks.sent?.(head, state);
    return write;
  };
}

function passChunk(chunk: unknown): boolean {
  return chunk instanceof Uint8Array;
}

/** The tag @tsgi/server puts on its `wsgi.file_wrapper` bodies (`Symbol.for`: no import needed). */
const FILE_BODY = Symbol.for('tsgi.file_wrapper');

function isFileBody(body: Body): boolean {
  return (body as { [FILE_BODY]?: unknown })[FILE_BODY] === true;
}

/**
 * Where a response stands. open: taking startResponse calls, a head maybe held;
 * deciding: `respond` is running; sent: the head went up (or will, unheld: passLazy);
 * discarded: `respond` dropped it, and nothing more of it goes up.
 */
type Phase = 'open' | 'deciding' | 'sent' | 'discarded';

/** One request's response as the hooks see it. */
class WrappedResponse<S> implements StepObserver {
  readonly startResponse: StartResponse;
  private phase: Phase = 'open';
  /** The held head (respond hook only), until it is sent. */
  private head: ResponseHead | undefined = undefined;
  private excInfo: unknown = undefined;
  /** The upstream write once the head went up. */
  private upstreamWrite: Write | undefined = undefined;
  /** write() chunks held with the head; after a respond that replaced the body, that body's. */
  private written: Uint8Array[] | undefined = undefined;
  private writesToBody = false;
  private bufferedWrite: Write | undefined = undefined;
  /** A non-empty body chunk went up: an error can no longer be answered. */
  private bodyStarted = false;
  /** With a `bytes` hook and no `chunk` hook: the write counted writes go to, and that write (made once). */
  private countedWrite: Write | undefined = undefined;
  private countingWrite: Write | undefined = undefined;
  /** The pull hook with this request's state (StepObserver), when there is one. */
  readonly pull: (<R>(step: () => R) => R) | undefined;

  constructor(
    private readonly upstream: StartResponse,
    private readonly hooks: ResponseHooks<S>,
    private readonly state: S,
  ) {
    this.startResponse = hooks.respond === undefined ? this.forward.bind(this) : this.hold.bind(this);
    const pull = hooks.pull;
    this.pull = pull === undefined ? undefined : (step) => pull(state, step);
  }

  /** startResponse without holding: the start hook, then up. */
  private forward(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    const head: ResponseHead = { status, headers };
    const hooks = this.hooks;
    hooks.start?.(head, this.state);
    const write = this.upstream(head.status, head.headers, excInfo);
    hooks.sent?.(head, this.state);
    return this.watchWrite(write);
  }

  /** startResponse while holding: keep the head until the body is known. */
  private hold(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    if (this.phase === 'discarded') return ignoreWrite;
    if (this.phase === 'sent') {
      const write = this.forward(status, headers, excInfo);
      return this.writesToBody ? this.bufferedWrite! : write;
    }
    if (this.head !== undefined && (excInfo === undefined || excInfo === null)) {
      throw new ResponseError(
        'start-response.twice',
        `startResponse(${JSON.stringify(status)}) was called a second time without excInfo (the first set ${JSON.stringify(this.head.status)})`,
      );
    }
    const head: ResponseHead = { status, headers };
    this.excInfo = excInfo;
    if (this.phase === 'open' && this.hooks.hold !== undefined && !this.hooks.hold(head, this.state)) {
      this.commit(head, false);
      return this.upstreamWrite!;
    }
    this.head = head;
    return (this.bufferedWrite ??= this.buffer.bind(this));
  }

  private buffer(chunk: Uint8Array): void {
    if (this.phase === 'discarded') return;
    // (No upstream write after a recovered failure: the failed response's writes go nowhere.)
    if (this.phase === 'sent' && !this.writesToBody) return this.upstreamWrite?.(chunk);
    if (this.phase === 'open' && this.hooks.passOnWrite === true) {
      this.commit(this.head!, false);
      return this.upstreamWrite!(chunk);
    }
    (this.written ??= []).push(chunk);
  }

  /** The upstream write, through the chunk and bytes hooks when there are. */
  private watchWrite(write: Write): Write {
    const { chunk: chunkHook, bytes } = this.hooks;
    if (chunkHook === undefined) {
      if (bytes === undefined) return write;
      // A bound method, not a closure over `write`: no second context per request
      // (an access log's per-request closure once made V8 pretenure the request's
      // objects; docs/benchmarks.md).
      this.countedWrite = write;
      return (this.countingWrite ??= this.countWrite.bind(this));
    }
    const state = this.state;
    if (bytes === undefined) return (chunk) => write(passChunk(chunk) ? chunkHook(chunk, state) : chunk);
    return (chunk) => {
      const out = passChunk(chunk) ? chunkHook(chunk, state) : chunk;
      write(out);
      bytes(passChunk(out) ? out.byteLength : 0, state);
    };
  }

  /** A write counted by the bytes hook once the layer above took it. */
  private countWrite(chunk: Uint8Array): void {
    this.countedWrite!(chunk);
    this.hooks.bytes!(passChunk(chunk) ? chunk.byteLength : 0, this.state);
  }

  /** Sends `head` (through the start hook), then what was written meanwhile unless the body takes it. */
  private commit(head: ResponseHead, writesToBody: boolean): void {
    this.phase = 'sent';
    this.head = undefined;
    const hooks = this.hooks;
    hooks.start?.(head, this.state);
    const accepted = this.upstream(head.status, head.headers, this.excInfo);
    hooks.sent?.(head, this.state);
    const write = (this.upstreamWrite = this.watchWrite(accepted));
    if (writesToBody) {
      this.writesToBody = true;
      return;
    }
    const written = this.written;
    this.written = undefined;
    if (written !== undefined) for (const chunk of written) write(chunk);
  }

  /** The body to hand up for the app's `body`. */
  finish(body: Body): Body | Promise<Body> {
    const problem = checkBody(body);
    if (problem !== undefined) {
      // Not a body: a held head would never go up, so say what is wrong here, in the
      // gateway's words; otherwise it goes up as it is, for the gateway to say it.
      if (this.hooks.respond !== undefined && this.phase !== 'sent') throw new TypeError(problem);
      return body;
    }
    // Checked above: handed up without a second look.
    if (this.hooks.respond === undefined || this.phase === 'sent') return this.hookBody(body, body);
    const head = this.head;
    if (head !== undefined) return this.decide(head, body);
    // No head yet: a lazy app calls startResponse from its first iteration. An array
    // cannot: hand it up for the gateway to report.
    if (Array.isArray(body)) return body;
    if (this.hooks.passLazy === true) {
      this.phase = 'sent';
      return this.hookBody(body, body);
    }
    return this.pullFirst(body);
  }

  /** The respond hook's choice, sent; `original` is closed when the choice replaces it. */
  private decide(head: ResponseHead, original: Body): Body | Promise<Body> {
    this.phase = 'deciding';
    const written = (this.written ??= []);
    let chosen: Body | Promise<Body>;
    try {
      chosen = this.hooks.respond!(head, original, this.state, written);
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

  private send(head: ResponseHead, body: Body, original: Body): Body | Promise<Body> {
    if (body === DISCARD) return this.discard(original);
    this.commit(head, body !== original);
    return this.handUp(body, original);
  }

  /** Drops the held response: its head and writes are forgotten, its body closed. */
  private discard(original: Body): Body | Promise<Body> {
    this.phase = 'discarded';
    this.head = undefined;
    this.written = undefined;
    const closed = original.close?.();
    return isPromise(closed) ? Promise.resolve(closed).then(() => DISCARD) : DISCARD;
  }

  private async pullFirst(body: Body): Promise<Body> {
    const walk = new BodyWalk(body);
    let step: IteratorResult<Uint8Array>;
    try {
      const pull = this.pull;
      step = await (pull === undefined ? walk.next() : pull(() => walk.next()));
    } catch (error) {
      return this.fail(error, body);
    }
    const resumed = resumeBody(walk, step);
    // Started unheld (the hold hook let it go), or not at all: the gateway reports that.
    if (this.phase === 'sent' || this.head === undefined) return this.handUp(resumed, resumed);
    return this.decide(this.head, resumed);
  }

  /**
   * The app (or its lazy body, `body`) failed: the recover hook's answer, or the
   * error again (after closing `body`).
   */
  fail(error: unknown, body: Body | undefined): Body | Promise<Body> {
    const recover = this.hooks.recover;
    if (recover === undefined) {
      if (body === undefined) throw error;
      return closeAndThrow(body, error);
    }
    // A held head and its writes belonged to the response that failed.
    this.head = undefined;
    this.written = undefined;
    this.phase = 'sent';
    const replacement = recover(error, this.forward.bind(this), this.state);
    return this.handUp(replacement, body ?? replacement);
  }

  /**
   * `body` with the chunk/end/close/recover hooks applied; `original` is the app's
   * body, to be closed too when `body` replaces it.
   */
  private handUp(body: Body, original: Body): Body {
    if (checkBody(body) !== undefined) return body;
    return this.hookBody(body, original);
  }

  /** {@link handUp} for a `body` known to be one. */
  private hookBody(body: Body, original: Body): Body {
    const { chunk, end, close, recover, pull, bytes } = this.hooks;
    let out = body;
    if (Array.isArray(body)) {
      if (chunk !== undefined || end !== undefined || bytes !== undefined) out = this.observeArray(body as Uint8Array[] & Body);
    } else if (chunk === undefined && isFileBody(body)) {
      // Sent by the gateway's own path; its content is fixed, so its iteration is over.
      end?.(this.state);
    } else if (chunk !== undefined || end !== undefined || recover !== undefined || pull !== undefined || bytes !== undefined) {
      out = observedBody(body, this);
    }
    // Nothing to add to the body's close: a replaced original with no close() (a plain array) needs none.
    const replaced = body === original || typeof original.close !== 'function' ? undefined : original;
    if (close === undefined && replaced === undefined) return out;
    return hookClose(out, new ResponseCloseHook(replaced, close, this.state));
  }

  private observeArray(body: Uint8Array[] & Body): Body {
    const { chunk, end, bytes } = this.hooks;
    let out: Body = body;
    if (chunk !== undefined) {
      const mapped: Uint8Array[] & Body = body.map((c) => (passChunk(c) ? chunk(c, this.state) : c));
      if (typeof body.close === 'function') mapped.close = body.close.bind(body);
      out = mapped;
    }
    if (bytes !== undefined) {
      const total = arrayBodyLength(out)!;
      if (total !== 0) bytes(total, this.state);
    }
    end?.(this.state);
    return out;
  }

  /** One step of an observed body on its way up (StepObserver). */
  observe(step: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> {
    if (step.done === true) {
      this.hooks.end?.(this.state);
      return step;
    }
    const value = step.value;
    if (!passChunk(value)) return step;
    if (value.byteLength > 0) this.bodyStarted = true;
    const { chunk, bytes } = this.hooks;
    if (chunk === undefined) {
      if (bytes !== undefined && value.byteLength > 0) bytes(value.byteLength, this.state);
      return step;
    }
    const out = chunk(value, this.state);
    if (bytes !== undefined && out.byteLength > 0) bytes(out.byteLength, this.state);
    return { done: false, value: out };
  }

  /** The observed body threw (StepObserver): the recover hook's chunks, or the error on. */
  failed(error: unknown): Uint8Array[] {
    const { recover, end } = this.hooks;
    if (recover === undefined || this.bodyStarted) {
      end?.(this.state, error);
      throw error;
    }
    try {
      return recover(error, this.forward.bind(this), this.state);
    } catch (thrown) {
      end?.(this.state, thrown);
      throw thrown;
    }
  }
}
