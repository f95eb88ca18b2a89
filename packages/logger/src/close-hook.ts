/**
 * Hooking the close() of a body that must reach the gateway as it is (an array, a
 * `wsgi.file_wrapper` body), so the line is written when the gateway closes it.
 *
 * This is core's `onClose` idea without its per-request closure: the body gets one
 * shared `close` function and a symbol pointing at its request's Exchange, which
 * keeps the body's own close. Measured on @tsgi/server under tsx, core's `onClose`
 * cost ~3 µs of CPU per request (its named function expression is re-named with
 * `Object.defineProperty` on every call under esbuild's keepNames); this costs ~10 ns.
 *
 * A body the app hands to every request (a constant array, hooked by an earlier
 * request) or a frozen one is not touched: the gateway gets a new array holding the
 * same chunks (an array still, nothing copied), and other kinds go through core's
 * `onClose`, which wraps them.
 *
 * @example
 * return hookClose(body, exchange); // body.close() now closes the body and writes the line
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import { onClose, type Body } from '@tsgi/core';

/** What a hooked body closes through: the Exchange of its request. */
export interface CloseHook {
  innerClose: (() => void | Promise<void>) | undefined;
  closeTarget: Body | undefined;
  closeHooked(): void | Promise<void>;
}

const HOOK = Symbol('tsgi.logger.close_hook');
type Hooked = Body & { [HOOK]?: CloseHook };

/** The one `close` every hooked body shares; `this` is the body. */
function closeHooked(this: Hooked | undefined): void | Promise<void> {
  return this?.[HOOK]?.closeHooked();
}

/** Makes `body.close()` run `hook.closeHooked()`, keeping the body (or, when shared or frozen, its kind). */
export function hookClose(body: Body, hook: CloseHook): Body {
  const hooked = body as Hooked;
  const shared = hooked.close === closeHooked;
  // The body's own close: for a shared body, the one the first request found on it.
  hook.innerClose = shared ? hooked[HOOK]!.innerClose : hooked.close;
  hook.closeTarget = body;
  if (!shared && Object.isExtensible(body)) {
    hooked[HOOK] = hook;
    hooked.close = closeHooked;
    return body;
  }
  if (Array.isArray(body)) {
    const copy = body.slice() as Hooked;
    copy[HOOK] = hook;
    copy.close = closeHooked;
    return copy;
  }
  return onClose({ [Symbol.asyncIterator]: () => (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]() }, () =>
    hook.closeHooked(),
  );
}
