/**
 * A Lua script run by its SHA1 (`EVALSHA`), sent whole (`EVAL`) only when the Redis
 * node answers `NOSCRIPT`: after a restart, a `SCRIPT FLUSH`, or on a Cluster node
 * that has not seen it yet (EVAL loads it into that node's cache). One round trip per
 * call in the steady state, two the first time on each node. This is what ioredis'
 * `defineCommand` does, kept here so the stores add no method to the caller's client.
 *
 * A script touches only the keys it is given, one per call here, so it runs on a
 * Cluster node like any single-key command (no CROSSSLOT).
 *
 * @example
 * const script = new RedisScript("return redis.call('GET', KEYS[1])");
 * await script.run(client, 'some-key', []);
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 * @module
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './client.js';

export class RedisScript {
  private sha: string | undefined = undefined;

  constructor(readonly source: string) {}

  /** Runs the script with KEYS[1] = `key` and ARGV = `args`. */
  run(client: RedisClient, key: string, args: Array<string | number>): Promise<unknown> {
    // Hashed at the first call, not at import or factory time.
    this.sha ??= createHash('sha1').update(this.source).digest('hex');
    return client.evalsha(this.sha, 1, key, ...args).catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      return client.eval(this.source, 1, key, ...args);
    });
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
