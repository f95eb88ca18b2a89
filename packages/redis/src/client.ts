/**
 * What the stores ask of a Redis client: `evalsha`, `eval` and `get` with promises,
 * the shape `ioredis` gives both a single node (`new Redis()`) and a Redis Cluster
 * (`new Cluster()`), declared here so this package imports no client at all: you
 * install `ioredis`, create the client with the options below, and pass it in.
 *
 * The options that matter when Redis is down: `enableOfflineQueue: false` (a command
 * sent while disconnected fails at once instead of waiting in memory for a reconnect
 * that may never come, and running late, counting a request that was already
 * answered) and `commandTimeout` (a command sent to a Redis that stopped answering
 * fails after that many ms). ioredis reconnects by itself (its `retryStrategy`), so
 * the stores work again when Redis is back, without a restart. The stores bound each
 * call with their own `timeout` too, whatever the client does.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, commandTimeout: 500, maxRetriesPerRequest: 1 });
 * @module
 */

/** The commands the stores send; `ioredis`'s `Redis` and `Cluster` have this shape. */
export interface RedisClient {
  evalsha(sha1: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>;
  get(key: string): Promise<string | null>;
  /** ioredis's options, read once for `warning()`. */
  readonly options?: { readonly enableOfflineQueue?: boolean };
}

/** Throws the TypeError a store factory gives for something that is not such a client. */
export function checkClient(client: unknown, who: string): RedisClient {
  const c = client as Partial<RedisClient> | null;
  if (typeof c !== 'object' || c === null || typeof c.evalsha !== 'function' || typeof c.eval !== 'function' || typeof c.get !== 'function') {
    throw new TypeError(
      `${who}: client must be a Redis client with evalsha(), eval() and get() returning promises, such as new Redis(url, { enableOfflineQueue: false }) from ioredis; got ${client === null ? 'null' : typeof client}`,
    );
  }
  return c as RedisClient;
}

/** What a store says once at the first request about a client that can hold requests while Redis is down. */
export function offlineQueueWarning(client: RedisClient, who: string): string | undefined {
  if (client.options?.enableOfflineQueue !== true) return undefined;
  return (
    `${who}: the Redis client queues commands while Redis is unreachable (ioredis' enableOfflineQueue is true, its default): ` +
    'a request then waits for the store timeout and its command may run late. Create the client with { enableOfflineQueue: false, commandTimeout: 500 }.'
  );
}
