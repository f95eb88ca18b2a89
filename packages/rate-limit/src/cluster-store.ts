/**
 * `clusterStore()`: counters shared by all workers of the `tsgi` CLI, held by its
 * primary process (packages/cli/src/cluster-shared-state.ts), so `--workers 4`
 * gives a client the limit once, not four times. Each hit is one IPC message to the
 * primary and one back, matched by a request id; the primary answers in one atomic
 * step. `rateLimit()`'s `storeTimeout` bounds the wait like any store's.
 *
 * Outside a CLI worker (under `serve()`, in tests, on Bun, Deno or Workers) there is
 * no primary: it counts in this process's memory instead, as `memoryStore()` would,
 * and says so once in `wsgi.errors`. One process is then all there is, so the limit
 * still holds; the same app module runs under both. If the primary goes away, the
 * worker is stopping anyway: requests waiting for an answer fail (`onStoreError`).
 *
 * Uses `process.send` and `process.on('message')` through `globalThis.process`, found
 * at the first request: no `node:` import, nothing done at import or factory time.
 *
 * @example
 * // tsgi serve app.ts --workers 4
 * export default rateLimit({ limit: 100, window: 60_000, store: clusterStore() })(app);
 * @module
 */
import { checkMaxKeys, MEMORY_DEFAULTS, MemoryStore } from './memory-store.js';
import type { HitResult, RateLimitPolicy, RateLimitStore } from './store.js';
import { inCliWorker, nodeProcess, type NodeProcess } from './workers.js';

export interface ClusterStoreOptions {
  /**
   * Keys the primary keeps per policy (least recently seen forgotten first); also
   * the memory fallback's bound outside the CLI.
   * @default 100_000
   */
  maxKeys?: number;
}

/** Requests allowed to wait for the primary at once; past it a hit fails at once instead of queueing memory. */
const MAX_PENDING = 10_000;

interface HitReply {
  tsgi: 'shared-state';
  id: number;
  result?: Omit<HitResult, 'retryAt'> & { retryAt: number | null };
  error?: string;
}

interface Pending {
  resolve(result: HitResult): void;
  reject(error: Error): void;
}

/** The IPC channel to the primary: one per process, shared by every clusterStore. */
class PrimaryChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly proc: NodeProcess) {
    proc.on!('message', (message: HitReply) => {
      if (message?.tsgi === 'shared-state') this.settle(message);
    });
    proc.on!('disconnect', () => this.failAll(new Error('the tsgi primary process went away')));
  }

  send(message: Record<string, unknown>): Promise<HitResult> {
    if (this.pending.size >= MAX_PENDING) {
      return Promise.reject(new Error(`${MAX_PENDING} rate limit requests are waiting for the tsgi primary already`));
    }
    const id = this.nextId++;
    return new Promise<HitResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      message.tsgi = 'shared-state';
      message.id = id;
      this.proc.send!(message, (error) => {
        if (error) this.fail(id, error);
      });
    });
  }

  private settle(reply: HitReply): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return; // an answer to a request that already failed
    this.pending.delete(reply.id);
    const result = reply.result;
    if (result === undefined) {
      waiting.reject(new Error(`the tsgi primary refused the request: ${reply.error ?? 'no reason given'}`));
      return;
    }
    if (result.retryAt === null) result.retryAt = Infinity;
    waiting.resolve(result as HitResult);
  }

  private fail(id: number, error: Error): void {
    const waiting = this.pending.get(id);
    if (waiting === undefined) return;
    this.pending.delete(id);
    waiting.reject(error);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }
}

let channel: PrimaryChannel | undefined;

export function clusterStore(options: ClusterStoreOptions = {}): RateLimitStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('clusterStore: options must be an object such as { maxKeys: 100000 }');
  }
  return new ClusterStore(checkMaxKeys(options.maxKeys ?? MEMORY_DEFAULTS.maxKeys, 'clusterStore'));
}

class ClusterStore implements RateLimitStore {
  /** Decided at the first hit: the primary, or memory outside the CLI. */
  private fallback: MemoryStore | undefined | null = null;

  constructor(private readonly maxKeys: number) {}

  hit(key: string, cost: number, now: number, policy: RateLimitPolicy): HitResult | Promise<HitResult> {
    const fallback = this.fallback === null ? this.decide() : this.fallback;
    if (fallback !== undefined) return fallback.hit(key, cost, now, policy);
    return channel!.send({
      op: 'rate-limit.hit',
      name: policy.name,
      algorithm: policy.algorithm,
      limit: policy.limit,
      window: policy.window,
      maxKeys: this.maxKeys,
      key,
      cost,
      now,
    });
  }

  warning(): string | undefined {
    if ((this.fallback === null ? this.decide() : this.fallback) === undefined) return undefined;
    return "clusterStore: this process is not a worker of the tsgi CLI (`tsgi serve --workers N`), so it counts in this process's memory: the limit holds for this process only.";
  }

  /** The memory fallback outside a CLI worker; undefined (and the channel open) inside one. */
  private decide(): MemoryStore | undefined {
    if (inCliWorker()) channel ??= new PrimaryChannel(nodeProcess()!);
    return (this.fallback = inCliWorker() ? undefined : new MemoryStore(this.maxKeys));
  }
}
