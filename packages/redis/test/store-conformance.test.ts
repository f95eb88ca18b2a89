/**
 * redisStore() against a real redis-server answers every call as @tsgi/rate-limit's
 * memoryStore() does: the random call table of packages/rate-limit/test/
 * store-conformance.test.ts (its policies, keys, costs and gaps, plus a GCRA policy
 * whose interval is not a whole millisecond and gaps of 1-3 ms), each call sent to
 * both. memoryStore keeps enough keys here never to forget one: Redis has no maxKeys
 * (its keys go by expiry and maxmemory).
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { memoryStore, type RateLimitPolicy, type RateLimitStore } from '@tsgi/rate-limit';
import { redisStore } from '../src/index.js';
import { startRedis, type RedisServer } from './redis-server.js';

let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await startRedis();
  client = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, commandTimeout: 2000, lazyConnect: true });
  await client.connect();
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

const POLICIES: RateLimitPolicy[] = [
  { name: 'burst', limit: 7, window: 700, algorithm: 'gcra' },
  { name: 'steady', limit: 3, window: 1000, algorithm: 'sliding-window' },
  // Beyond rate-limit's table: a GCRA interval that is not a whole ms (frac != 0).
  { name: 'uneven', limit: 3, window: 1000, algorithm: 'gcra' },
];

const calls = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    policy: fc.integer({ min: 0, max: POLICIES.length - 1 }),
    cost: fc.integer({ min: 0, max: 8 }),
    // Small gaps too: they reach the GCRA boundary (ahead === window with a remainder).
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 1, max: 3 })),
  }),
  { minLength: 1, maxLength: 80 },
);

test('redisStore is a RateLimitStore (the type @tsgi/rate-limit asks for)', () => {
  const store: RateLimitStore = redisStore(client);
  expect(typeof store.hit).toBe('function');
});

test('redisStore answers every call as memoryStore does, both algorithms, costs 0 to limit + 1', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(calls, fc.integer({ min: 0, max: 10_000 }), async (sequence, start) => {
      const memory = memoryStore({ maxKeys: 1000 });
      const redis = redisStore(client, { prefix: `conformance:${++run}:` });
      let now = 1_700_000_000_000 + start;
      for (const { key, policy, cost, gap } of sequence) {
        now += gap;
        const expected = memory.hit(key, cost, now, POLICIES[policy]!);
        expect(await redis.hit(key, cost, now, POLICIES[policy]!)).toEqual(await expected);
      }
    }),
    { numRuns: 150 },
  );
});

test('the GCRA boundary: a TAT a third of a ms past the window is refused, as in memoryStore', async () => {
  const memory = memoryStore({ maxKeys: 10 });
  const redis = redisStore(client, { prefix: 'boundary:' });
  const policy = POLICIES[2]!; // 3 per 1000 ms: one unit every 333 1/3 ms
  const t = 1_700_000_000_000;
  const answers = [];
  for (const [cost, now] of [[3, t], [1, t + 333], [1, t + 334]] as const) {
    const expected = await memory.hit('k', cost, now, policy);
    expect(await redis.hit('k', cost, now, policy)).toEqual(expected);
    answers.push(expected.allowed);
  }
  expect(answers).toEqual([true, false, true]);
});

test('large times and windows stay exact (integers far above 2^32, limit * window = 2^46)', async () => {
  const memory = memoryStore({ maxKeys: 10 });
  const redis = redisStore(client, { prefix: 'large:' });
  const policies: RateLimitPolicy[] = [
    { name: 'g', limit: 2 ** 23, window: 2 ** 23, algorithm: 'gcra' },
    { name: 's', limit: 2 ** 23, window: 2 ** 23, algorithm: 'sliding-window' },
    { name: 'odd', limit: 999_983, window: 86_400_007, algorithm: 'gcra' },
  ];
  let now = 8_640_000_000_000 - 2 ** 25;
  for (let i = 0; i < 60; i++) {
    now += (i * 7_919_993) % 3_000_017;
    for (const policy of policies) {
      const cost = (i * 1_234_577) % (policy.limit + 2);
      expect(await redis.hit('k', cost, now, policy)).toEqual(await memory.hit('k', cost, now, policy));
    }
  }
});
