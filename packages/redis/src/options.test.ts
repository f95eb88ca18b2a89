import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './client.js';
import { redisSessionStore, redisStore } from './index.js';

/** A client double: answers nothing, only satisfies the factories' checks. */
const fake: RedisClient = {
  evalsha: () => new Promise(() => {}),
  eval: () => new Promise(() => {}),
  get: () => new Promise(() => {}),
};

// ioredis' single-node client and its Cluster client both fit what the stores ask.
const acceptsRedis = (client: Redis): RedisClient => client;
const acceptsCluster = (client: Cluster): RedisClient => client;
void acceptsRedis;
void acceptsCluster;

describe.each([
  ['redisStore', redisStore],
  ['redisSessionStore', redisSessionStore],
] as const)('%s options', (who, factory) => {
  test('a bad option throws a TypeError naming it and the value seen', () => {
    expect(() => factory(fake, { timeout: 0 })).toThrow(new TypeError(`${who}: timeout must be a positive integer of milliseconds, got 0`));
    expect(() => factory(fake, { timeout: 1.5 })).toThrow(/timeout must be a positive integer of milliseconds, got 1.5/);
    expect(() => factory(fake, { prefix: 3 as never })).toThrow(new TypeError(`${who}: prefix must be a string (put before every key), got 3`));
    expect(() => factory(fake, { onOutage: 'log' as never })).toThrow(`${who}: onOutage must be a function (event) => void, got "log"`);
    expect(() => factory(fake, null as never)).toThrow(`${who}: options must be an object`);
  });

  test('something that is not a Redis client is refused at factory time', () => {
    expect(() => factory({} as never)).toThrow(new RegExp(`^${who}: client must be a Redis client with evalsha\\(\\), eval\\(\\) and get\\(\\).*; got object$`));
    expect(() => factory(undefined as never)).toThrow(/got undefined$/);
  });

  test('no call reaches the client at factory time, and no warning for a client without ioredis options', () => {
    const calls: string[] = [];
    const spy: RedisClient = {
      evalsha: (...args) => (calls.push('evalsha'), fake.evalsha(...args)),
      eval: (...args) => (calls.push('eval'), fake.eval(...args)),
      get: (key) => (calls.push('get'), fake.get(key)),
    };
    expect(factory(spy).warning!()).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
