/**
 * A body whose first step was already pulled, handed on as if it had not been: what
 * {@link wrapResponse} makes of a lazy app's body (one that calls startResponse from
 * its first iteration) once it pulled that step to learn the status. Same kind as the
 * body; `close()` ends the iteration (`return()`, so `finally` blocks run) and closes
 * the body, once, through core's {@link BodyWalk}. A body that ended at its first step
 * is known to be empty: it is handed on as an empty array, which the gateway sends
 * with `Content-Length: 0` in one write.
 *
 * @example
 * const walk = new BodyWalk(body);
 * const first = await walk.next();
 * return resumeBody(walk, first);
 * @see https://peps.python.org/pep-3333/#the-start-response-callable
 * @module
 */
import type { BodyWalk } from './body-walk.js';
import type { Body } from './types.js';

type Step = IteratorResult<Uint8Array>;

/** The body of `walk` again, starting with `first`, which was already pulled. */
export function resumeBody(walk: BodyWalk, first: Step): Body {
  const close = (): void | Promise<void> => walk.close();
  if (first.done === true) return Object.assign([], { close });
  if (walk.sync) return { [Symbol.iterator]: () => continueSync(walk, first), close };
  return { [Symbol.asyncIterator]: () => continueAsync(walk, first), close };
}

function* continueSync(walk: BodyWalk, first: Step): Generator<Uint8Array> {
  for (let step = first; step.done !== true; step = walk.next() as Step) yield step.value;
}

async function* continueAsync(walk: BodyWalk, first: Step): AsyncGenerator<Uint8Array> {
  for (let step = first; step.done !== true; step = await walk.next()) yield step.value;
}

/** Closes `body` (a close error gives way to `error`, which tells what happened), then throws `error`. */
export async function closeAndThrow(body: Body, error: unknown): Promise<never> {
  try {
    await body.close?.();
  } catch {
    // The first error is the one that tells what happened.
  }
  throw error;
}
