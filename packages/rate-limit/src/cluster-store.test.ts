/**
 * clusterStore()'s side of the IPC protocol, with this process dressed as a CLI
 * worker (the global the worker sets, a `process.send` that records) and the
 * primary's real service answering through `process.emit('message')`. The whole
 * round trip between real processes is test/cluster.test.ts.
 */
import { SharedState, type SharedStateRequest } from '../../cli/src/cluster-shared-state.js';
import { clusterStore } from './cluster-store.js';
import type { RateLimitPolicy } from './store.js';
import { CLUSTER_WORKER } from './workers.js';

const T0 = 1_700_000_000_000;
const policy: RateLimitPolicy = { name: 'p', limit: 2, window: 1000, algorithm: 'gcra' };
const cli = globalThis as Record<symbol, unknown>;
const proc = process as unknown as { send?: (message: unknown, callback: (error: Error | null) => void) => boolean };

test('outside a CLI worker it counts in memory, synchronously, and says so', () => {
  const store = clusterStore();
  expect(store.hit('k', 1, T0, policy)).toMatchObject({ allowed: true, remaining: 1 });
  expect(store.warning!()).toMatch(/^clusterStore: this process is not a worker of the tsgi CLI .*counts in this process's memory/);
});

describe('in a CLI worker', () => {
  const sent: SharedStateRequest[] = [];
  const primary = new SharedState();
  beforeAll(() => {
    cli[CLUSTER_WORKER] = { workers: 2 };
    proc.send = (message, callback) => {
      sent.push(message as SharedStateRequest);
      callback(null);
      return true;
    };
  });
  afterAll(() => {
    delete cli[CLUSTER_WORKER];
    delete proc.send;
  });
  const emit = process.emit.bind(process) as (event: string, ...args: unknown[]) => boolean;
  const answer = (message: SharedStateRequest): void => void emit('message', JSON.parse(JSON.stringify(primary.answer(message))));

  test('a hit is one message to the primary; its answer, matched by id, settles it', async () => {
    const store = clusterStore({ maxKeys: 50 });
    expect(store.warning!()).toBeUndefined();
    const first = store.hit('k', 1, T0, policy);
    const second = store.hit('k', 5, T0, policy);
    expect(sent.slice(-2)).toEqual([
      { tsgi: 'shared-state', id: expect.any(Number), op: 'rate-limit.hit', ...policy, maxKeys: 50, key: 'k', cost: 1, now: T0 },
      { tsgi: 'shared-state', id: expect.any(Number), op: 'rate-limit.hit', ...policy, maxKeys: 50, key: 'k', cost: 5, now: T0 },
    ]);
    // The primary takes them in the other order: each id settles its own request; Infinity came through JSON as null.
    answer(sent.at(-1)!);
    answer(sent.at(-2)!);
    await expect(second).resolves.toEqual({ allowed: false, remaining: 2, resetAt: T0, retryAt: Infinity });
    await expect(first).resolves.toEqual({ allowed: true, remaining: 1, resetAt: T0 + 500, retryAt: T0 });
  });

  test("the primary's error answer rejects the hit with its reason", async () => {
    const pending = clusterStore().hit('k', 1, T0, { ...policy, algorithm: 'sliding-window' });
    answer(sent.at(-1)!);
    await expect(pending).rejects.toThrow('the tsgi primary refused the request: two rate limit policies named "p" use different algorithms');
  });

  test('the primary going away fails every hit still waiting', async () => {
    const store = clusterStore();
    const waiting = [store.hit('a', 1, T0, policy), store.hit('b', 1, T0, policy)];
    emit('disconnect');
    for (const hit of waiting) await expect(hit).rejects.toThrow('the tsgi primary process went away');
  });
});
