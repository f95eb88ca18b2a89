/**
 * memoryStore(): bounded by `max` (least recently used first out), expiry by TTL on
 * its clock, destroy final, values copied as JSON.
 */
import { testClient } from '@tsgi/testing';
import type { Application } from '@tsgi/core';
import { memoryStore } from './memory-store.js';
import { session, sessionOf } from './session.js';
import { newSessionId } from './session-id.js';

const record = (n: number) => ({ data: { n }, created: 0 });

test('100k distinct session ids stay within max, the most recent kept', async () => {
  const store = memoryStore({ max: 1000 });
  const ids: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const id = newSessionId();
    ids.push(id);
    await store.set(id, record(i), 60_000);
    if (store.size > 1000) throw new Error(`${store.size} sessions held after ${i + 1} writes`);
  }
  expect(store.size).toBe(1000);
  expect(await store.get(ids[0]!)).toBeUndefined();
  expect(await store.get(ids[98_999]!)).toBeUndefined();
  expect(await store.get(ids[99_000]!)).toEqual(record(99_000));
  expect(await store.get(ids[99_999]!)).toEqual(record(99_999));
});

test('2000 visitors through session(), each with a planted id, stay within max', async () => {
  const store = memoryStore({ max: 500 });
  const app: Application = (environ, startResponse) => {
    sessionOf(environ).set('seen', true);
    startResponse('204 No Content', []);
    return [];
  };
  const client = testClient(session({ store })(app));
  for (let i = 0; i < 2000; i++) {
    const res = await client.get('/', { headers: { Cookie: `sid=${newSessionId()}` } });
    expect(res.status).toBe(204);
  }
  expect(store.size).toBe(500);
});

test('least recently used goes first: a read keeps a session', async () => {
  const store = memoryStore({ max: 3 });
  for (const id of ['a', 'b', 'c']) await store.set(id, record(1), 60_000);
  await store.get('a');
  await store.set('d', record(4), 60_000);
  expect(await store.get('b')).toBeUndefined();
  for (const id of ['a', 'c', 'd']) expect(await store.get(id)).toBeDefined();
});

test('TTL on the store clock; touch extends a live session only; destroy is final', async () => {
  let now = 0;
  const store = memoryStore({ now: () => now });
  await store.set('a', record(1), 1000);
  now = 999;
  await store.touch('a', 1000);
  now = 1998;
  expect(await store.get('a')).toEqual(record(1));
  now = 2999;
  expect(await store.get('a')).toBeUndefined();
  await store.touch('a', 1000);
  expect(await store.get('a')).toBeUndefined();
  await store.set('b', record(2), 1000);
  await store.destroy('b');
  await store.touch('b', 1000);
  expect(await store.get('b')).toBeUndefined();
  expect(store.size).toBe(0);
});

test('expired sessions are dropped as new ones are written, without a timer', async () => {
  let now = 0;
  const store = memoryStore({ now: () => now });
  for (let i = 0; i < 100; i++) await store.set(`old${i}`, record(i), 1000);
  now = 5000;
  for (let i = 0; i < 50; i++) await store.set(`new${i}`, record(i), 1000);
  expect(store.size).toBe(50);
});

test('values are copies: changing what was stored or what came back changes nothing', async () => {
  const store = memoryStore();
  const data = { data: { list: [1] }, created: 0 };
  await store.set('a', data, 1000);
  data.data.list.push(2);
  const got = (await store.get('a'))!;
  (got.data as { list: number[] }).list.push(3);
  expect(await store.get('a')).toEqual({ data: { list: [1] }, created: 0 });
});

test('options are checked', () => {
  expect(() => memoryStore({ max: 0 })).toThrow('memoryStore: max must be a positive integer (sessions kept), got 0');
  expect(() => memoryStore({ now: 5 as unknown as () => number })).toThrow(/memoryStore: now must be a function/);
  expect(memoryStore().warning()).toBeUndefined();
});
