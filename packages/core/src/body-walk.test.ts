import { type Body } from '@tsgi/core';
import { BodyWalk } from '@tsgi/core/gateway';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

test('a body with both iterators is walked async, as isAsyncBody says', async () => {
  const body = {
    *[Symbol.iterator]() {
      yield bytes('sync');
    },
    async *[Symbol.asyncIterator]() {
      yield bytes('async');
    },
  };
  const walk = new BodyWalk(body);
  expect(walk.sync).toBe(false);
  const step = await walk.next();
  expect(Buffer.from(step.value as Uint8Array).toString()).toBe('async');
});

test('stopped early: return() runs the finally before close(), and close() runs once', async () => {
  const log: string[] = [];
  const body = Object.assign(
    (function* () {
      try {
        yield bytes('a');
        yield bytes('b');
      } finally {
        log.push('finally');
      }
    })(),
    { close: () => void log.push('close') },
  );
  const walk = new BodyWalk(body);
  expect(walk.next()).toMatchObject({ done: false });
  await walk.close();
  await walk.close();
  expect(log).toEqual(['finally', 'close']);
  expect(walk.done).toBe(true);
});

test('a body parked in an await is closed at once, its return() when the await settles', async () => {
  const log: string[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const body = Object.assign(
    (async function* () {
      try {
        yield bytes('a');
        await gate;
        yield bytes('b');
      } finally {
        log.push('finally');
      }
    })(),
    { close: () => void log.push('close') },
  );
  const walk = new BodyWalk(body);
  await walk.next();
  const pending = walk.next();
  const closing = walk.close();
  expect(log).toEqual(['close']);
  open();
  await Promise.all([pending, closing]);
  expect(log).toEqual(['close', 'finally']);
});

test('a finished walk does not call return(); a throw from next() ends the walk', () => {
  let returned = 0;
  const iterator = {
    calls: 0,
    next(): IteratorResult<Uint8Array> {
      if (this.calls++ === 0) return { done: true, value: undefined };
      throw new Error('unreachable');
    },
    return(): IteratorResult<Uint8Array> {
      returned++;
      return { done: true, value: undefined };
    },
  };
  const walk = new BodyWalk({ [Symbol.iterator]: () => iterator } as Body);
  expect(walk.next()).toEqual({ done: true, value: undefined });
  void walk.close();
  expect(returned).toBe(0);
  const failing = new BodyWalk({
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<Uint8Array> => {
        throw new Error('boom');
      },
    }),
  } as Body);
  expect(() => failing.next()).toThrow('boom');
  expect(failing.done).toBe(true);
});

test('a return() that gives a thenable is waited for before close()', async () => {
  const log: string[] = [];
  const iterator = {
    next: () => ({ done: false, value: bytes('a') }),
    return: () => ({ then: (resolve: () => void) => setImmediate(() => (log.push('returned'), resolve())) }) as unknown as IteratorResult<Uint8Array>,
  };
  const body = { [Symbol.iterator]: () => iterator, close: () => void log.push('close') } as unknown as Body;
  const walk = new BodyWalk(body);
  void walk.next();
  await walk.close();
  expect(log).toEqual(['returned', 'close']);
});
