import type { Body } from '@tsgi/core';
import { hookClose, type CloseHook } from './close-hook.js';

/** A CloseHook that records its calls and closes the inner body as Exchange does. */
function recorder(): CloseHook & { calls: number } {
  const hook = {
    calls: 0,
    innerClose: undefined as CloseHook['innerClose'],
    closeTarget: undefined as Body | undefined,
    closeHooked(): void | Promise<void> {
      hook.calls++;
      return hook.innerClose?.call(hook.closeTarget);
    },
  };
  return hook;
}

const chunk = Buffer.from('x');

describe('hookClose', () => {
  it('keeps an array body the same array and runs its own close with it as this', () => {
    const seen: unknown[] = [];
    const body = Object.assign([chunk], {
      close(this: unknown) {
        seen.push(this);
      },
    });
    const hook = recorder();
    const returned = hookClose(body, hook);
    expect(returned).toBe(body);
    void returned.close!();
    expect(hook.calls).toBe(1);
    expect(seen).toEqual([body]);
  });

  it('gives each request its own hook when the app returns the same array to every request', () => {
    let closes = 0;
    const SHARED = Object.assign([chunk], { close: () => void closes++ });
    const first = recorder();
    const second = recorder();
    const a = hookClose(SHARED, first);
    const b = hookClose(SHARED, second);
    expect(Array.isArray(b)).toBe(true);
    expect(b).not.toBe(SHARED);
    expect([...(b as Uint8Array[])]).toEqual([chunk]);
    expect((b as Uint8Array[])[0]).toBe(chunk); // the chunk itself, not a copy
    void b.close!();
    void a.close!();
    expect([first.calls, second.calls]).toEqual([1, 1]);
    // The app's own close runs for each request, never the hook in its place.
    expect(closes).toBe(2);
  });

  it('leaves a frozen array alone and hooks a new array of its chunks', () => {
    const frozen = Object.freeze([chunk]);
    const hook = recorder();
    const returned = hookClose(frozen as unknown as Body, hook);
    expect(Array.isArray(returned)).toBe(true);
    expect(returned).not.toBe(frozen);
    void returned.close!();
    expect(hook.calls).toBe(1);
  });
});
