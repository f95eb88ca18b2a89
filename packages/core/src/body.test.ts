import { arrayBodyLength, closeBody, hookClose, onClose, type Body } from '@tsgi/core';

const bytes = (s: string) => new TextEncoder().encode(s);

test('onClose keeps an array body an array of the same chunks and runs after the inner close, once', async () => {
  const order: string[] = [];
  const body: Body = Object.assign([bytes('a'), bytes('bc')], { close: () => void order.push('inner') });
  const hooked = onClose(body, () => order.push('hook'));
  expect(Array.isArray(hooked)).toBe(true);
  expect((hooked as Uint8Array[])[1]).toBe((body as Uint8Array[])[1]);
  // The app's array is left as it was.
  expect(body.close).not.toBe(hooked.close);
  await closeBody(hooked);
  await closeBody(hooked);
  expect(order).toEqual(['inner', 'hook']);
  expect(arrayBodyLength(hooked)).toBe(3);
});

test('onClose waits for an async inner close and runs even when it throws', async () => {
  const order: string[] = [];
  const asyncBody = onClose(
    Object.assign([bytes('x')], {
      close: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('inner');
      },
    }),
    () => order.push('hook'),
  );
  await closeBody(asyncBody);
  expect(order).toEqual(['inner', 'hook']);

  let hooked = 0;
  const throwing = onClose(
    Object.assign([bytes('x')], {
      close: () => {
        throw new Error('boom');
      },
    }),
    () => hooked++,
  );
  expect(() => throwing.close!()).toThrow('boom');
  expect(hooked).toBe(1);
});

test('onClose waits for a thenable inner close (not only a Promise)', async () => {
  const order: string[] = [];
  let settle: () => void = () => undefined;
  const thenable = { then: (resolve: () => void) => void (settle = () => (order.push('inner'), resolve())) };
  const body = onClose(Object.assign([Buffer.from('x')], { close: () => thenable as unknown as Promise<void> }), () => order.push('hook'));
  const closing = body.close!();
  expect(order).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  settle();
  await closing;
  expect(order).toEqual(['inner', 'hook']);
});

test('onClose leaves a frozen array alone and hooks a new array of the same chunks', async () => {
  const chunk = bytes('a');
  const frozen = Object.freeze([chunk]) as unknown as Body;
  let hooked = 0;
  const wrapped = onClose(frozen, () => hooked++);
  expect(wrapped).not.toBe(frozen);
  expect(Array.isArray(wrapped)).toBe(true);
  expect((wrapped as Uint8Array[])[0]).toBe(chunk);
  await closeBody(wrapped);
  expect(hooked).toBe(1);
  expect(arrayBodyLength(wrapped)).toBe(1);
});

test('onClose wraps a frozen generator-like body in one of the same kind', async () => {
  const frozen = Object.freeze({
    async *[Symbol.asyncIterator]() {
      yield bytes('a');
    },
  });
  let hooked = 0;
  const wrapped = onClose(frozen, () => hooked++);
  expect(wrapped).not.toBe(frozen);
  const seen: Uint8Array[] = [];
  for await (const chunk of wrapped) seen.push(chunk);
  expect(seen).toHaveLength(1);
  await closeBody(wrapped);
  expect(hooked).toBe(1);
});

test('a constant array returned to every request gets a hook per request, and no chain of closes', async () => {
  let appCloses = 0;
  const SHARED = Object.assign([bytes('x')], { close: () => void appCloses++ });
  const hooks: number[] = [0, 0, 0];
  const bodies = hooks.map((_, i) => onClose(SHARED, () => hooks[i]!++));
  expect(bodies.some((body) => body === SHARED)).toBe(false);
  for (const body of bodies.reverse()) await closeBody(body);
  expect(hooks).toEqual([1, 1, 1]);
  // The app's own close ran once per request, never a hook in its place.
  expect(appCloses).toBe(3);
  // Request 4, after all closed: still one app close, one hook.
  let fourth = 0;
  await closeBody(onClose(SHARED, () => fourth++));
  expect([appCloses, fourth]).toEqual([4, 1]);
});

test('hookClose calls the body own close with the body as this', async () => {
  const seen: unknown[] = [];
  const body = Object.assign([bytes('x')], {
    close(this: unknown) {
      seen.push(this);
    },
  });
  const hook = {
    innerClose: undefined as (() => void | Promise<void>) | undefined,
    closeTarget: undefined as Body | undefined,
    calls: 0,
    closeHooked() {
      hook.calls++;
      return hook.innerClose?.call(hook.closeTarget);
    },
  };
  await closeBody(hookClose(body, hook));
  expect([hook.calls, seen]).toEqual([1, [body]]);
});

test('hooks nest: an outer layer hooking the body an inner layer hooked runs both, inner first', async () => {
  const order: string[] = [];
  const appBody = Object.assign([bytes('x')], { close: () => void order.push('app') });
  const inner = onClose(appBody, () => order.push('inner'));
  const outer = onClose(inner, () => order.push('outer'));
  await closeBody(outer);
  await closeBody(outer);
  expect(order).toEqual(['app', 'inner', 'outer']);

  const generator = (function* () {
    yield bytes('y');
  })();
  const order2: string[] = [];
  const g1 = onClose(generator, () => order2.push('inner'));
  expect(g1).toBe(generator); // hooked in place
  const g2 = onClose(g1, () => order2.push('outer'));
  await closeBody(g2);
  expect(order2).toEqual(['inner', 'outer']);
});

test('an extensible non-array body reused after its request ended keeps its own close', async () => {
  let appCloses = 0;
  const REUSED = { *[Symbol.iterator]() {}, close: () => void appCloses++ };
  let first = 0;
  let second = 0;
  await closeBody(onClose(REUSED, () => first++));
  await closeBody(onClose(REUSED, () => second++));
  expect([appCloses, first, second]).toEqual([2, 1, 1]);
});
