/**
 * Redis killed mid-run, then restarted on the same port, under rateLimit() (fail open
 * and fail closed) and the session store: every request is answered within the
 * timeouts while Redis is down, the outage is reported once (not once per request),
 * and requests are counted again once Redis is back, without restarting anything
 * (ioredis reconnects). A Redis that hangs (CLIENT PAUSE) costs the store's timeout.
 */
import type { Application } from '@tsgi/core';
import { rateLimit } from '@tsgi/rate-limit';
import { testClient } from '@tsgi/testing';
import { Redis } from 'ioredis';
import { redisSessionStore, redisStore, RedisStoreError, type OutageEvent } from '../src/index.js';
import { startRedis, type RedisServer } from './redis-server.js';

jest.setTimeout(30_000);

let server: RedisServer;
let client: Redis;

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('hello')];
};

/** Resolves once the client is connected again (ioredis retries every 50 ms here). */
async function ready(redis: Redis): Promise<void> {
  const end = Date.now() + 10_000;
  while (redis.status !== 'ready') {
    if (Date.now() > end) throw new Error(`the client did not reconnect: ${redis.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How long `run` took, in ms, with its outcome. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; outcome: T | Error }> {
  const start = Date.now();
  const outcome = await run().catch((error: Error) => error);
  return { ms: Date.now() - start, outcome };
}

beforeAll(async () => {
  server = await startRedis();
  client = new Redis(server.port, '127.0.0.1', {
    enableOfflineQueue: false,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
    lazyConnect: true,
  });
  client.on('error', () => {}); // reported through the stores' onOutage; ioredis would print each one
  await client.connect();
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

test('rate limits: killed -> open lets through, closed answers 503, logged once; restarted -> counted again', async () => {
  const events: OutageEvent[] = [];
  const store = redisStore(client, { prefix: 'outage:', onOutage: (event) => events.push(event) });
  const open = testClient(rateLimit({ name: 'open', limit: 2, window: 60_000, store, storeTimeout: 800 })(hello));
  const closed = testClient(rateLimit({ name: 'closed', limit: 2, window: 60_000, store, storeTimeout: 800, onStoreError: 'closed' })(hello));
  const statuses = async (c: typeof open, n: number) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await c.get('/')).status);
    return out;
  };

  expect(await statuses(open, 3)).toEqual([200, 200, 429]);
  expect(await statuses(closed, 3)).toEqual([200, 200, 429]);

  await server.kill();
  const during = await timed(() => statuses(open, 5));
  expect(during.outcome).toEqual([200, 200, 200, 200, 200]);
  expect(during.ms).toBeLessThan(5 * 800);
  expect(await statuses(closed, 3)).toEqual([503, 503, 503]);
  expect(open.errors.match(/rateLimit: the store failed \(RedisStoreError: redisStore: /g)).toHaveLength(1);
  expect(closed.errors.match(/the store failed/g)).toHaveLength(1);
  expect(events.map((e) => e.type)).toEqual(['down']);

  await server.restart(); // same port, empty: no persistence
  await ready(client);
  expect(await statuses(open, 3)).toEqual([200, 200, 429]);
  expect(open.errors).toMatch(/the store answers again; 5 request\(s\) were let through uncounted/);
  expect(events.map((e) => e.type)).toEqual(['down', 'up']);
  expect(events[1]).toMatchObject({ type: 'up', failures: 8 });
});

test('killed while requests are in flight: each is answered within storeTimeout, none hangs', async () => {
  const limited = testClient(rateLimit({ name: 'inflight', limit: 1000, window: 60_000, store: redisStore(client), storeTimeout: 800 })(hello));
  const start = Date.now();
  const answers = Array.from({ length: 40 }, () => limited.get('/').then((answer) => [answer.status, Date.now() - start] as const));
  const killed = server.kill();
  const settled = await Promise.all(answers);
  await killed;
  expect(settled.map(([status]) => status)).toEqual(Array<number>(40).fill(200));
  expect(Math.max(...settled.map(([, ms]) => ms))).toBeLessThan(800 + 700);
  await server.restart();
  await ready(client);
});

test('sessions: killed -> every call rejects within the timeout with a RedisStoreError; restarted -> works', async () => {
  const events: OutageEvent[] = [];
  const sessions = redisSessionStore(client, { timeout: 300, onOutage: (event) => events.push(event) });
  await sessions.set('id1', { user: 'ada' }, 60_000);

  await server.kill();
  for (const call of [async () => void (await sessions.get('id1')), () => sessions.set('id1', { user: 'ada' }, 60_000), () => sessions.touch('id1', 1000), () => sessions.destroy('id1')]) {
    const { ms, outcome } = await timed(call);
    expect(outcome).toBeInstanceOf(RedisStoreError);
    expect(ms).toBeLessThan(300 + 500);
  }
  expect(events.map((e) => e.type)).toEqual(['down']);

  await server.restart();
  await ready(client);
  expect(await sessions.get('id1')).toBeUndefined(); // a restarted Redis without persistence is empty
  await sessions.set('id2', { user: 'bob' }, 60_000);
  expect(await sessions.get('id2')).toEqual({ user: 'bob' });
  expect(events.map((e) => e.type)).toEqual(['down', 'up']);
});

test('a Redis that accepts commands and does not answer (CLIENT PAUSE): the store gives up after its timeout', async () => {
  const other = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
  await other.connect();
  const sessions = redisSessionStore(client, { timeout: 200 });
  // commandTimeout 500 on the client; the store's own 200 ms comes first.
  await other.call('CLIENT', 'PAUSE', '1500', 'ALL');
  const { ms, outcome } = await timed(() => sessions.get('x'));
  expect(outcome).toBeInstanceOf(RedisStoreError);
  expect((outcome as Error).message).toBe('redisSessionStore: Redis did not answer within 200 ms');
  expect(ms).toBeLessThan(200 + 500);
  await other.call('CLIENT', 'UNPAUSE');
  other.disconnect();
  expect(await sessions.get('x')).toBeUndefined();
});
