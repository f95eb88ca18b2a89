/**
 * The stores give the same answers for the same calls: memoryStore() here, and the
 * tsgi CLI primary's shared-state service that clusterStore() talks to (its own copy
 * of the arithmetic, in packages/cli/src/cluster-shared-state.ts), with each
 * request and answer sent through JSON as the IPC channel sends them. The Redis
 * store runs the same table against a real redis-server, asynchronously, in
 * packages/redis/test/store-conformance.test.ts.
 */
import fc from 'fast-check';
import { SharedState, type SharedStateReply } from '../../cli/src/cluster-shared-state.js';
import { MemoryStore } from '../src/memory-store.js';
import type { HitResult, RateLimitPolicy } from '../src/store.js';

type Hit = (key: string, cost: number, now: number, policy: RateLimitPolicy) => HitResult;

/** The primary's service behind a JSON round trip, as clusterStore() sees it. */
function primary(maxKeys: number): Hit {
  const shared = new SharedState();
  let id = 0;
  return (key, cost, now, policy) => {
    const request = { tsgi: 'shared-state', id: ++id, op: 'rate-limit.hit', ...policy, maxKeys, key, cost, now };
    const reply = JSON.parse(JSON.stringify(shared.answer(JSON.parse(JSON.stringify(request))))) as SharedStateReply;
    if (!('result' in reply)) throw new Error(reply.error);
    return { ...reply.result, retryAt: reply.result.retryAt ?? Infinity };
  };
}

const STORES: Array<[string, (maxKeys: number) => Hit]> = [
  ['memoryStore', (maxKeys) => {
    const store = new MemoryStore(maxKeys);
    return (key, cost, now, policy) => store.hit(key, cost, now, policy);
  }],
  ['the CLI primary (clusterStore)', primary],
];

const POLICIES: RateLimitPolicy[] = [
  { name: 'burst', limit: 7, window: 700, algorithm: 'gcra' },
  { name: 'steady', limit: 3, window: 1000, algorithm: 'sliding-window' },
];

const calls = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    policy: fc.integer({ min: 0, max: POLICIES.length - 1 }),
    cost: fc.integer({ min: 0, max: 8 }),
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1500 })),
  }),
  { minLength: 1, maxLength: 80 },
);

test('every store answers every call as memoryStore does, keys forgotten past maxKeys included', () => {
  fc.assert(
    fc.property(calls, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10_000 }), (sequence, maxKeys, start) => {
      const stores = STORES.map(([name, make]) => [name, make(maxKeys)] as const);
      let now = 1_700_000_000_000 + start;
      for (const { key, policy, cost, gap } of sequence) {
        now += gap;
        const answers = Object.fromEntries(stores.map(([name, hit]) => [name, hit(key, cost, now, POLICIES[policy]!)]));
        const expected = answers.memoryStore;
        expect(answers).toEqual(Object.fromEntries(stores.map(([name]) => [name, expected])));
      }
    }),
    { numRuns: 300 },
  );
});

test('the primary answers a malformed request or an algorithm clash with an error, never a throw', () => {
  const shared = new SharedState();
  const base = { tsgi: 'shared-state' as const, op: 'rate-limit.hit' as const, name: 'p', algorithm: 'gcra' as const, limit: 1, window: 1000, maxKeys: 10, key: 'k', cost: 1, now: 1 };
  expect(shared.answer({ ...base, id: 1, cost: -1 })).toEqual({ tsgi: 'shared-state', id: 1, error: expect.stringMatching(/^malformed rate-limit.hit request/) });
  expect(shared.answer({ ...base, id: 2, op: 'nope' as 'rate-limit.hit' })).toEqual({ tsgi: 'shared-state', id: 2, error: 'unknown shared-state operation "nope"' });
  expect(shared.answer({ ...base, id: 3 })).toMatchObject({ id: 3, result: { allowed: true } });
  expect(shared.answer({ ...base, id: 4, algorithm: 'sliding-window' })).toEqual({ tsgi: 'shared-state', id: 4, error: expect.stringContaining('two rate limit policies named "p"') });
});

test('the primary holds at most maxKeys keys under a flood of distinct keys', () => {
  const shared = new SharedState();
  for (let i = 0; i < 200_000; i++) {
    shared.answer({ tsgi: 'shared-state', id: i, op: 'rate-limit.hit', name: 'p', algorithm: 'gcra', limit: 5, window: 60_000, maxKeys: 1000, key: `k${i}`, cost: 1, now: 1_700_000_000_000 });
  }
  expect(shared.size('p')).toBe(1000);
});
