/**
 * Helpers for the response body a middleware gets back from the app below: closing
 * it exactly once, and hooking its close without changing its shape (an array body
 * stays an array, so the gateway's one-write fast path still applies).
 *
 * @see https://peps.python.org/pep-3333/#specification-details (iterable.close())
 * @module
 */
import type { Body } from './types.js';

/** Calls `body.close()` if it has one, and waits for it. */
export async function closeBody(body: Body | null | undefined): Promise<void> {
  if (body && typeof body.close === 'function') await body.close();
}

/**
 * Runs `hook` once, right after the body's own `close()` (even when that throws),
 * by installing a new `close` on the same object. The body keeps its identity and
 * kind; a frozen body is wrapped in a new iterable instead.
 */
export function onClose<B extends Body>(body: B, hook: () => void): B {
  const innerClose = body.close;
  let done = false;
  const close = function close(this: unknown): void | Promise<void> {
    if (done) return;
    done = true;
    let result: void | Promise<void>;
    try {
      result = innerClose?.call(body);
    } catch (error) {
      hook();
      throw error;
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      return (result as Promise<void>).finally(hook);
    }
    hook();
  };
  if (Object.isExtensible(body) || Object.getOwnPropertyDescriptor(body, 'close')?.writable) {
    (body as { close?: () => void | Promise<void> }).close = close;
    return body;
  }
  const wrapper = (
    Symbol.asyncIterator in body
      ? { [Symbol.asyncIterator]: () => (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](), close }
      : { [Symbol.iterator]: () => (body as Iterable<Uint8Array>)[Symbol.iterator](), close }
  ) as unknown as B;
  return wrapper;
}

/** The total length of an array body, or `undefined` for any other kind. */
export function arrayBodyLength(body: Body): number | undefined {
  if (!Array.isArray(body)) return undefined;
  let length = 0;
  for (let i = 0; i < body.length; i++) length += (body[i] as Uint8Array).byteLength;
  return length;
}
