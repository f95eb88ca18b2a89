import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryStore, MemoryStore } from './memory-store.js';
import type { RateLimitPolicy } from './store.js';
import { CLUSTER_WORKER } from './workers.js';

const T0 = 1_700_000_000_000;
const policy = (overrides: Partial<RateLimitPolicy> = {}): RateLimitPolicy => ({
  name: 'default',
  limit: 5,
  window: 60_000,
  algorithm: 'gcra',
  ...overrides,
});

/** A full collection now, so heap numbers mean what is still reachable. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

test('a flood of 1,000,000 distinct keys stays within maxKeys, and so does the heap', () => {
  const store = new MemoryStore(10_000);
  const p = policy();
  collect();
  const before = process.memoryUsage().heapUsed;
  let largest = 0;
  for (let i = 0; i < 1_000_000; i++) {
    // Every key new, all within one window: none expires, the bound alone holds memory.
    store.hit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/${i}`, 1, T0 + (i >> 10), p);
    if ((i & 0xffff) === 0) largest = Math.max(largest, store.size('default'));
  }
  collect();
  const grown = process.memoryUsage().heapUsed - before;
  expect(largest).toBeLessThanOrEqual(10_000);
  expect(store.size('default')).toBe(10_000);
  // 10,000 keys of ~25 chars and their counters: a few MB. 1,000,000 kept would be ~150 MB.
  expect(grown).toBeLessThan(15 * 1024 * 1024);
});

test('the least recently seen key is the one forgotten', () => {
  const store = new MemoryStore(3);
  const p = policy({ limit: 2 });
  for (const key of ['a', 'b', 'c']) store.hit(key, 2, T0, p);
  store.hit('a', 0, T0, p); // a is seen again
  store.hit('d', 0, T0, p); // over the bound: b goes
  expect(store.hit('a', 1, T0, p).allowed).toBe(false); // a still remembered: its quota is spent
  expect(store.hit('b', 1, T0, p).allowed).toBe(true); // b forgotten: a full quota again
});

test('expired keys are dropped as hits pass, without any timer', () => {
  const store = new MemoryStore(100_000);
  const p = policy({ limit: 10, window: 1000 });
  for (let i = 0; i < 1000; i++) store.hit(`k${i}`, 1, T0, p);
  expect(store.size('default')).toBe(1000);
  // 100 ms per unit: all are whole again after T0 + 100. One live key keeps hitting.
  for (let i = 0; i < 600; i++) store.hit('live', 1, T0 + 200 + i, p);
  expect(store.size('default')).toBe(1);
});

test('policies with their own names keep their own keys; the same name with another algorithm is an error', () => {
  const store = new MemoryStore(10);
  const a = policy({ name: 'a', limit: 1 });
  const b = policy({ name: 'b', limit: 1, algorithm: 'sliding-window' });
  expect(store.hit('k', 1, T0, a).allowed).toBe(true);
  expect(store.hit('k', 1, T0, b).allowed).toBe(true);
  expect(store.hit('k', 1, T0, a).allowed).toBe(false);
  expect(() => store.hit('k', 1, T0, policy({ name: 'a', algorithm: 'sliding-window' }))).toThrow(
    'two rate limit policies named "a" share a store with different algorithms (gcra, sliding-window)',
  );
});

describe('the warning about counting per worker', () => {
  const cli = globalThis as Record<symbol, unknown>;
  afterEach(() => {
    delete cli[CLUSTER_WORKER];
  });

  test('outside the tsgi CLI: none', () => {
    expect(memoryStore().warning!()).toBeUndefined();
  });

  test('in a CLI worker with --workers 1: none', () => {
    cli[CLUSTER_WORKER] = { workers: 1 };
    expect(memoryStore().warning!()).toBeUndefined();
  });

  test('in a CLI worker with --workers 4: says the limit is per worker and names clusterStore', () => {
    cli[CLUSTER_WORKER] = { workers: 4 };
    expect(memoryStore().warning!()).toMatch(/with 4 tsgi workers a client can get up to 4x the limit\. Use clusterStore\(\)/);
  });
});

test.each([0, -1, 1.5, '10', Infinity])('maxKeys %p is refused at factory time', (maxKeys) => {
  expect(() => memoryStore({ maxKeys: maxKeys as number })).toThrow(
    new TypeError(`memoryStore: maxKeys must be a positive integer (keys kept per policy), got ${String(maxKeys)}`),
  );
});
