/**
 * The linted response body: checks each chunk on its way to the server and counts
 * the server's close() calls. An array body is checked up front and stays an array
 * (a shallow copy carrying the counting close), so the gateway's one-write path is
 * unchanged; any other body is wrapped in an iterator of the same kind (sync or async)
 * whose prototype is the body, so extra properties a gateway looks for stay visible.
 *
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import { isAsyncBody, type Body } from '@tsgi/core';
import { LintError, show } from './lint-error.js';
import type { ResponseCheck } from './response-check.js';

/**
 * One lint layer in a request, linked to the lint layers above and below it. A
 * middleware between two layers must answer each chunk it pulls from the lower one
 * with a yield of its own (PEP 3333, "Middleware Handling of Block Boundaries"):
 * `unanswered` counts the lower layer's chunks since the upper layer last yielded.
 */
export interface LintLayer {
  parent: LintLayer | undefined;
  child: LintLayer | undefined;
  unanswered: number;
}

/** Bookkeeping after this layer's body produced a chunk (`yielded`) or ended. */
function afterStep(layer: LintLayer, yielded: boolean, chunks: number): void {
  // Whatever the layer below produced has now been answered by this layer.
  if (layer.child !== undefined) layer.child.unanswered = 0;
  if (!yielded || layer.parent === undefined) return;
  if (layer.unanswered >= 1) {
    throw new LintError(
      'body.block-boundaries',
      `the layer above pulled chunk ${chunks} from this body before yielding anything for chunk ${chunks - 1}`,
    );
  }
  layer.unanswered = 1;
}

/** How a late fault (one no caller is waiting for) gets reported. */
export interface LateReport {
  report(error: LintError): void;
  closeTimeout: number;
}

/** Builds the close() every linted body gets: counts calls, forwards to the inner close. */
function closer(check: ResponseCheck, inner: Body, state: { timer?: NodeJS.Timeout; calls: number }) {
  return function close(): void | Promise<void> {
    state.calls++;
    if (state.calls > 1) throw new LintError('body.close-once', `close() was called ${state.calls} times`);
    if (state.timer) clearTimeout(state.timer);
    check.closed = true;
    return inner.close?.();
  };
}

/** Starts the close-missing watch once the server stopped iterating. */
function watchClose(state: { timer?: NodeJS.Timeout; calls: number }, late: LateReport): void {
  if (state.calls > 0 || state.timer || !(late.closeTimeout < Infinity)) return;
  state.timer = setTimeout(() => {
    if (state.calls === 0) {
      late.report(new LintError('body.close-missing', `the iteration ended but close() was not called within ${late.closeTimeout} ms`));
    }
  }, late.closeTimeout);
  // Workers (workerd) hand out numbers as timers: nothing to unref there.
  state.timer.unref?.();
}

/** Checks `body` and returns the body to hand to the server. */
export function lintBody(body: unknown, check: ResponseCheck, late: LateReport, layer: LintLayer): Body {
  if (typeof body !== 'object' || body === null || body instanceof Uint8Array) {
    throw new LintError('body.type', `the app returned ${show(body)}`);
  }
  const state: { timer?: NodeJS.Timeout; calls: number } = { calls: 0 };
  const inner = body as Body;

  if (Array.isArray(body)) {
    for (const chunk of body) check.chunk(chunk);
    check.complete();
    // A copy, so that an app returning the same array every time gets a fresh close.
    const copy = body.slice() as Uint8Array[] & { close?: () => void | Promise<void> };
    copy.close = closer(check, inner, state);
    return copy;
  }

  const isAsync = isAsyncBody(body as Body);
  if (!isAsync && typeof (body as Iterable<Uint8Array>)[Symbol.iterator] !== 'function') {
    throw new LintError('body.type', `the app returned ${show(body)}, which is not iterable`);
  }
  const wrapper = Object.create(body) as Record<PropertyKey, unknown>;
  wrapper.close = closer(check, inner, state);
  let chunks = 0;
  let ended = false;
  const start = (kind: string): void => {
    if (ended) throw new LintError('body.iterated-twice', `${kind} was called on a body whose iteration had already ended`);
  };
  const step = (result: IteratorResult<Uint8Array>): void => {
    if (result.done) {
      ended = true;
      watchClose(state, late);
      check.complete();
      afterStep(layer, false, chunks);
    } else {
      check.chunk(result.value);
      chunks++;
      afterStep(layer, true, chunks);
    }
  };
  if (isAsync) {
    let iterator: AsyncIterator<Uint8Array> | undefined;
    wrapper[Symbol.asyncIterator] = function asyncIterator() {
      start('[Symbol.asyncIterator]()');
      // A second call mid-iteration (for-await over the iterator itself) continues it.
      iterator ??= (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      return this;
    };
    wrapper.next = async function next(): Promise<IteratorResult<Uint8Array>> {
      check.iterating = true;
      let result: IteratorResult<Uint8Array>;
      try {
        result = await iterator!.next();
      } finally {
        check.iterating = false;
      }
      step(result);
      return result;
    };
    wrapper.return = async function return_(value?: unknown): Promise<IteratorResult<Uint8Array>> {
      ended = true;
      watchClose(state, late);
      const result = await iterator?.return?.(value);
      return result ?? { done: true, value: undefined };
    };
  } else {
    let iterator: Iterator<Uint8Array> | undefined;
    wrapper[Symbol.iterator] = function syncIterator() {
      start('[Symbol.iterator]()');
      iterator ??= (body as Iterable<Uint8Array>)[Symbol.iterator]();
      return this;
    };
    wrapper.next = function next(): IteratorResult<Uint8Array> {
      check.iterating = true;
      let result: IteratorResult<Uint8Array>;
      try {
        result = iterator!.next();
      } finally {
        check.iterating = false;
      }
      step(result);
      return result;
    };
    wrapper.return = function return_(value?: unknown): IteratorResult<Uint8Array> {
      ended = true;
      watchClose(state, late);
      return iterator?.return?.(value) ?? { done: true, value: undefined };
    };
  }
  return wrapper as unknown as Body;
}
