/**
 * `memoryStore()`: the counters in this process's memory, the default store. It
 * answers synchronously (no Promise, so `rateLimit()` adds no await to a request),
 * runs on every runtime, and keeps at most `maxKeys` keys per policy (see
 * counters.ts): a flood of distinct client addresses cannot grow it without bound.
 * It starts no timer, at import, at factory time or ever.
 *
 * Its counters belong to one process: under the `tsgi` CLI with `--workers 4` each
 * worker counts on its own and a client gets up to 4x the limit. It says so once, at
 * the first request, and `clusterStore()` is the store for that case.
 *
 * @example
 * const limited = rateLimit({ limit: 10, window: 1000, store: memoryStore({ maxKeys: 50_000 }) })(app);
 * @module
 */
import { CounterTable } from './counters.js';
import type { HitResult, RateLimitPolicy, RateLimitStore } from './store.js';
import { cliWorkerCount } from './workers.js';

export interface MemoryStoreOptions {
  /**
   * Keys kept per policy; past it the least recently seen key is forgotten (that
   * client starts again with a full quota). Each key costs about 150 bytes.
   * @default 100_000
   */
  maxKeys?: number;
}

export const MEMORY_DEFAULTS = { maxKeys: 100_000 } satisfies Required<MemoryStoreOptions>;

/** Checks `maxKeys` for the store factories; `who` names the factory in the error. */
export function checkMaxKeys(value: unknown, who: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${who}: maxKeys must be a positive integer (keys kept per policy), got ${String(value)}`);
  }
  return value;
}

export function memoryStore(options: MemoryStoreOptions = {}): RateLimitStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('memoryStore: options must be an object such as { maxKeys: 100000 }');
  }
  return new MemoryStore(checkMaxKeys(options.maxKeys ?? MEMORY_DEFAULTS.maxKeys, 'memoryStore'));
}

export class MemoryStore implements RateLimitStore {
  private readonly tables = new Map<string, CounterTable>();
  // The table of the last policy seen: most stores serve one policy.
  private lastPolicy: RateLimitPolicy | undefined = undefined;
  private lastTable: CounterTable | undefined = undefined;

  constructor(readonly maxKeys: number) {}

  hit(key: string, cost: number, now: number, policy: RateLimitPolicy): HitResult {
    const table = policy === this.lastPolicy ? this.lastTable! : this.tableFor(policy);
    return table.hit(key, cost, now, policy.limit, policy.window);
  }

  /** Keys held for the policy named `name` (for tests and metrics). */
  size(name: string): number {
    return this.tables.get(name)?.size ?? 0;
  }

  warning(): string | undefined {
    const workers = cliWorkerCount();
    if (workers === undefined || workers < 2) return undefined;
    return (
      `memoryStore counts in each worker's memory: with ${workers} tsgi workers a client can get up to ${workers}x the limit. ` +
      'Use clusterStore() to count in the tsgi primary for all workers (or a Redis store across machines).'
    );
  }

  private tableFor(policy: RateLimitPolicy): CounterTable {
    let table = this.tables.get(policy.name);
    if (table === undefined) {
      table = new CounterTable(policy.algorithm, this.maxKeys);
      this.tables.set(policy.name, table);
    } else if (table.algorithm !== policy.algorithm) {
      throw new Error(
        `two rate limit policies named "${policy.name}" share a store with different algorithms (${table.algorithm}, ${policy.algorithm}); give each rateLimit() its own name`,
      );
    }
    this.lastPolicy = policy;
    this.lastTable = table;
    return table;
  }
}
