/** Runs the example of packages/redis/README.md (the doc test keeps the two identical) against a real redis-server. */
import { testClient } from '@tsgi/testing';
import { startRedis, type RedisServer } from '../packages/redis/test/redis-server.js';
import type * as Example from './redis-readme.js';

let server: RedisServer;
// Imported once REDIS_URL names the test's server: the example connects at import.
let example: typeof Example;

beforeAll(async () => {
  server = await startRedis();
  process.env.REDIS_URL = server.url;
  example = await import('./redis-readme.js');
  const end = Date.now() + 10_000;
  while (example.redis.status !== 'ready' && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
});
afterAll(async () => {
  example.redis.disconnect();
  await server.stop();
});

test('the redis README example: 100 a minute per client counted in Redis, then 429; sessions in the same Redis', async () => {
  const client = testClient(example.app);
  // GCRA gives a unit back every 600 ms: on a slow machine a few more than 100 pass before the first 429.
  const start = Date.now();
  let passed = 0;
  let refused = await client.get('/');
  for (; refused.status === 200 && passed < 300; refused = await client.get('/')) passed++;
  expect(refused.status).toBe(429);
  expect(passed).toBeGreaterThanOrEqual(100);
  expect(passed).toBeLessThanOrEqual(100 + Math.ceil((Date.now() - start) / 600));
  expect(refused.header('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
  expect(await example.redis.keys('tsgi:rl:*')).toEqual(['tsgi:rl:default:127.0.0.1']);
  expect(client.errors).toBe(''); // Redis answered every time, and the offline queue is off: no warning

  await example.sessions.set('s1', { user: 'ada' }, 60_000);
  expect(await example.sessions.get('s1')).toEqual({ user: 'ada' });
  expect(await example.redis.exists('tsgi:sess:s1')).toBe(1);
});
