/**
 * Both stores against a real redis-server: what they write (keys, TTLs), expiry by
 * Redis' own clock, the session tombstone (a destroyed session is not revived by a
 * late set or touch; a new id is), the EVALSHA -> EVAL fallback after SCRIPT FLUSH,
 * and the warning about a client that queues commands while Redis is down.
 */
import { Redis } from 'ioredis';
import { redisSessionStore, redisStore, TOMBSTONE, type RateLimitPolicy } from '../src/index.js';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gcra: RateLimitPolicy = { name: 'api v1', limit: 2, window: 300, algorithm: 'gcra' };

describe('redisStore', () => {
  test('one key per policy and client, living until the quota is whole again (plus the slack)', async () => {
    const store = redisStore(client, { prefix: 'ttl:' });
    const now = Date.now();
    expect(await store.hit('203.0.113.9', 2, now, gcra)).toEqual({ allowed: true, remaining: 0, resetAt: now + 300, retryAt: now });
    expect(await client.keys('ttl:*')).toEqual(['ttl:api%20v1:203.0.113.9']);
    const ttl = await client.pttl('ttl:api%20v1:203.0.113.9');
    expect(ttl).toBeGreaterThan(500); // 300 ms to the reset + 1000 ms slack, less the time since the hit
    expect(ttl).toBeLessThanOrEqual(1300);
    expect((await store.hit('203.0.113.9', 1, now + 1, gcra)).allowed).toBe(false);
  });

  test('a refused request writes nothing; a zero-cost one neither', async () => {
    const store = redisStore(client, { prefix: 'nowrite:' });
    const now = Date.now();
    await store.hit('k', 0, now, gcra);
    await store.hit('k', 3, now, gcra); // more than the limit: refused
    expect(await client.keys('nowrite:*')).toEqual([]);
  });

  test('keys expire by Redis clock: after resetAt + slack the key is gone', async () => {
    const store = redisStore(client, { prefix: 'expire:' });
    const policy: RateLimitPolicy = { name: 'p', limit: 1, window: 50, algorithm: 'sliding-window' };
    await store.hit('k', 1, Date.now(), policy);
    expect(await client.exists('expire:p:k')).toBe(1);
    const end = Date.now() + 5000;
    while ((await client.exists('expire:p:k')) === 1 && Date.now() < end) await sleep(50);
    expect(await client.exists('expire:p:k')).toBe(0);
  });

  test('two policies with one name and different algorithms: the hit rejects, naming the fix', async () => {
    const store = redisStore(client, { prefix: 'clash:' });
    await store.hit('k', 1, Date.now(), gcra);
    await expect(store.hit('k', 1, Date.now(), { ...gcra, algorithm: 'sliding-window' })).rejects.toThrow(/different algorithms; give each rateLimit\(\) its own name/);
  });

  test('after SCRIPT FLUSH (a Redis restart, a new Cluster node) the script is sent again', async () => {
    const store = redisStore(client, { prefix: 'flush:' });
    const policy = { ...gcra, name: 'flush' };
    const now = Date.now();
    await store.hit('k', 1, now, policy);
    await client.script('FLUSH');
    expect(await store.hit('k', 1, now, policy)).toMatchObject({ allowed: true, remaining: 0 });
  });

  test('warning() (said once by the middleware) names the client option to change when commands queue offline', () => {
    const queueing = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
    expect(redisStore(queueing).warning()).toMatch(/enableOfflineQueue is true.*\{ enableOfflineQueue: false, commandTimeout: 500 \}/);
    expect(redisStore(client).warning()).toBeUndefined();
    queueing.disconnect();
  });
});

describe('redisSessionStore', () => {
  test('set, get, touch and Redis expiry', async () => {
    const store = redisSessionStore(client, { prefix: 's:' });
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', { user: 'ada', n: 1, nested: { ok: true } }, 10_000);
    expect(await store.get('a')).toEqual({ user: 'ada', n: 1, nested: { ok: true } });
    expect(await client.pttl('s:a')).toBeGreaterThan(9000);
    await store.touch('a', 60_000);
    expect(await client.pttl('s:a')).toBeGreaterThan(59_000);
    await store.set('short', { x: 1 }, 30);
    await sleep(100);
    expect(await store.get('short')).toBeUndefined();
  });

  test('destroy is final: a late set or touch of the destroyed id does not revive it; a new id works', async () => {
    const store = redisSessionStore(client, { prefix: 's:' });
    await store.set('victim', { user: 'ada' }, 600_000);
    await store.destroy('victim');
    expect(await store.get('victim')).toBeUndefined();
    // A request that loaded the session before the logout saves it after (CVE-2025-46336).
    await store.set('victim', { user: 'ada', cart: 3 }, 600_000);
    await store.touch('victim', 600_000);
    expect(await store.get('victim')).toBeUndefined();
    expect(await client.get('s:victim')).toBe(TOMBSTONE);
    // The tombstone lives as long as the session would have.
    expect(await client.pttl('s:victim')).toBeGreaterThan(590_000);
    await store.set('fresh-id', { user: 'ada' }, 600_000);
    expect(await store.get('fresh-id')).toEqual({ user: 'ada' });
  });

  test('destroying a session that never existed leaves an hour-long tombstone', async () => {
    const store = redisSessionStore(client, { prefix: 's:' });
    await store.destroy('never');
    expect(await client.pttl('s:never')).toBeGreaterThan(3_590_000);
    await store.set('never', { a: 1 }, 1000);
    expect(await store.get('never')).toBeUndefined();
  });

  test('touch of a missing session creates nothing', async () => {
    const store = redisSessionStore(client, { prefix: 's:' });
    await store.touch('ghost', 1000);
    expect(await client.exists('s:ghost')).toBe(0);
  });

  test('data that is not a JSON object, a bad ttl or id: a TypeError, nothing written', async () => {
    const store = redisSessionStore(client, { prefix: 'bad:' });
    await expect(store.set('x', { n: 1n } as never, 1000)).rejects.toThrow(TypeError);
    await expect(store.set('x', [] as never, 1000)).rejects.toThrow(/must be a plain object/);
    await expect(store.set('x', {}, 0)).rejects.toThrow(/ttlMs must be a positive integer of milliseconds, got 0/);
    await expect(store.get('')).rejects.toThrow(/a session id must be a non-empty string/);
    expect(await client.keys('bad:*')).toEqual([]);
  });

  test('a value under the prefix that is not session JSON reads as no session', async () => {
    const store = redisSessionStore(client, { prefix: 'foreign:' });
    await client.set('foreign:x', 'not json');
    expect(await store.get('x')).toBeUndefined();
  });
});
