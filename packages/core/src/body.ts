/**
 * Helpers for the response body a middleware gets back from the app below: closing
 * it exactly once, and hooking its close without changing its shape (an array body
 * stays an array, so the gateway's one-write fast path still applies).
 *
 * Hooking installs one shared `close` function and a symbol pointing at the hook, so
 * it costs no closure per request. An array is never changed (an app may return the
 * same constant array to every request): the hook goes on a new array holding the
 * same chunks, nothing copied. Other bodies are hooked in place, or through a small
 * wrapper of the same kind when frozen.
 *
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import { isAsyncBody } from './body-check.js';
import { isPromise } from './promise.js';
import type { Body } from './types.js';

/** Calls `body.close()` if it has one, and waits for it. */
export async function closeBody(body: Body | null | undefined): Promise<void> {
  if (body && typeof body.close === 'function') await body.close();
}

/**
 * What a hooked body's `close()` calls. `hookClose` fills `innerClose` (the body's
 * own close) and `closeTarget` (the object to call it on); `closeHooked` must call
 * `innerClose` on `closeTarget` itself, once, and do its own work.
 */
export interface CloseHook {
  innerClose: (() => void | Promise<void>) | undefined;
  closeTarget: Body | undefined;
  closeHooked(): void | Promise<void>;
}

const HOOK = Symbol('tsgi.close_hook');
/** What a hooked body carries: its hook, and whether its close has run. */
interface HookRecord {
  hook: CloseHook;
  closed: boolean;
}
type Hooked = Body & { [HOOK]?: HookRecord };

/** The one `close` every hooked body shares; `this` is the body. */
function closeHooked(this: Hooked | undefined): void | Promise<void> {
  const record = this?.[HOOK];
  if (record === undefined) return;
  record.closed = true;
  return record.hook.closeHooked();
}

/** A new body of the same kind and chunks as `body`, for hooking without touching it. */
function sameKind(body: Body): Hooked {
  if (Array.isArray(body)) return body.slice() as Hooked;
  if (isAsyncBody(body)) {
    return { [Symbol.asyncIterator]: () => (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]() };
  }
  return { [Symbol.iterator]: () => (body as Iterable<Uint8Array>)[Symbol.iterator]() };
}

/**
 * Makes `body.close()` run `hook.closeHooked()`. An array is never changed: the hook
 * goes on a new array of the same chunks (apps often return one constant array to
 * every request). Other bodies are hooked in place when they are extensible and not
 * hooked yet, else through a wrapper of the same kind. A body already hooked by a
 * layer below keeps that layer's hook as its inner close.
 */
export function hookClose(body: Body, hook: CloseHook): Body {
  const hooked = body as Hooked;
  const record = hooked.close === closeHooked ? hooked[HOOK] : undefined;
  let target: Hooked;
  if (record !== undefined && record.closed) {
    // Hooked by an earlier request that is over: its own close is the one it found.
    hook.innerClose = record.hook.innerClose;
    hook.closeTarget = record.hook.closeTarget;
    target = sameKind(body);
  } else {
    hook.innerClose = hooked.close;
    hook.closeTarget = body;
    target = record === undefined && !Array.isArray(body) && Object.isExtensible(body) ? hooked : sameKind(body);
  }
  target[HOOK] = { hook, closed: false };
  target.close = closeHooked;
  return target;
}

/** A CloseHook that closes the inner body, then runs a callback, once. */
class CallbackHook implements CloseHook {
  innerClose: (() => void | Promise<void>) | undefined = undefined;
  closeTarget: Body | undefined = undefined;
  private done = false;

  constructor(private readonly callback: () => void) {}

  closeHooked(): void | Promise<void> {
    if (this.done) return;
    this.done = true;
    let result: void | Promise<void>;
    try {
      result = this.innerClose?.call(this.closeTarget);
    } catch (error) {
      this.callback();
      throw error;
    }
    // A thenable close() (not only a Promise) is waited for, as `await` would.
    if (isPromise(result)) return Promise.resolve(result).finally(this.callback);
    this.callback();
  }
}

/**
 * Runs `hook` once, right after the body's own `close()` (even when that throws).
 * The body keeps its identity when it can (see {@link hookClose}).
 */
export function onClose<B extends Body>(body: B, hook: () => void): B {
  return hookClose(body, new CallbackHook(hook)) as B;
}

/**
 * The total length of an array body, or `undefined` for any other kind. `NaN` when a
 * chunk is not bytes (`checkChunk` says which), so a broken body never throws here.
 */
export function arrayBodyLength(body: Body): number | undefined {
  if (!Array.isArray(body)) return undefined;
  let length = 0;
  for (let i = 0; i < body.length; i++) length += (body[i] as Uint8Array | null | undefined)?.byteLength ?? NaN;
  return length;
}
