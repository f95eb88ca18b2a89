/**
 * The Redis side of a counted row, for bench/cost/socket.ts on a scenario with
 * `redis: true` (session-redis, rate-limit-redis): each row gets a redis-server of its own
 * (packages/redis/test/redis-server.ts, as `pnpm bench` starts it), so that the commands
 * INFO commandstats counts around the measured requests are that row's alone.
 */
import { execFileSync } from 'node:child_process';
import { REDIS_CLI, startRedis, type RedisServer } from '../../packages/redis/test/redis-server.js';
import { REDIS_URL_ENV } from '../lib/target.js';

export interface RowRedis {
  server: RedisServer;
  /** The environment a target needs to reach it: its URL, and timeouts fit for valgrind. */
  env: NodeJS.ProcessEnv;
}

export async function startRowRedis(): Promise<RowRedis> {
  const server = await startRedis();
  // valgrind runs node some 50x slower: the targets' 1 s Redis timeouts would answer 503s.
  return { server, env: { [REDIS_URL_ENV]: server.url, BENCH_REDIS_TIMEOUT: '60000' } };
}

/** Calls per command so far, from INFO commandstats. */
export function commandStats(port: number): Map<string, number> {
  const text = execFileSync(REDIS_CLI, ['-p', String(port), 'INFO', 'commandstats'], { encoding: 'utf8' });
  const calls = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

/** `get 1.00, set 1.00`: the commands per request between two commandStats(), INFO itself left out. */
export function commandsPerRequest(before: Map<string, number>, after: Map<string, number>, requests: number): string {
  const used = [...after]
    .map(([name, calls]) => [name, (calls - (before.get(name) ?? 0)) / requests] as const)
    .filter(([name, n]) => n > 0 && name !== 'info');
  return used.length === 0 ? 'none' : used.map(([name, n]) => `${name} ${n.toFixed(2)}`).join(', ');
}
