/** Runs the example of packages/rate-limit/README.md (the doc test keeps the two identical). */
import { testClient } from '@tsgi/testing';
import { app } from './rate-limit-readme.js';

test('the rate-limit README example: 100 a minute per forwarded client, then 429 with Retry-After', async () => {
  const client = testClient(app);
  const from = (address: string) => ({ headers: { 'X-Forwarded-For': address } });
  for (let i = 0; i < 100; i++) expect((await client.get('/', from('203.0.113.5'))).status).toBe(200);
  const refused = await client.get('/', from('203.0.113.5'));
  expect(refused.status).toBe(429);
  expect(Number(refused.header('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(refused.header('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
  const other = await client.get('/', from('203.0.113.6'));
  expect([other.status, other.text, other.header('ratelimit-policy')]).toEqual([200, 'hello 203.0.113.6\n', '"default";q=100;w=60']);
  // Not under the tsgi CLI: clusterStore() counted in memory and said so, once.
  expect(client.errors.match(/clusterStore: this process is not a worker of the tsgi CLI/g)).toHaveLength(1);
});
