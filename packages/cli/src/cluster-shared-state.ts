/**
 * State the `tsgi` CLI's workers share, held by the primary (DESIGN section 4: once
 * there are two processes, shared state never lives in one worker's memory). A
 * worker sends a `{ tsgi: 'shared-state', id, op, ... }` message over its IPC
 * channel; the primary answers each in turn, in one step, with
 * `{ tsgi: 'shared-state', id, result }` or `{ ..., error }`. One event loop answers
 * every worker, so each step is atomic without locks; each request and answer is one
 * message, one round trip.
 *
 * The one operation so far is `rate-limit.hit`, the counters of `clusterStore()` from
 * @tsgi/rate-limit: the same GCRA and sliding window arithmetic as that package's
 * memoryStore (kept equal by its store-conformance test), in integers, on a table per
 * policy name bounded to `maxKeys` keys in least-recently-used order, expired keys
 * dropped as hits pass. The client side (request ids, timeouts) is in that package.
 *
 * @example
 * const shared = new SharedState();
 * child.on('message', (message) => { if (message?.tsgi === 'shared-state') shared.serve(child, message); });
 * @see https://github.com/brandur/redis-cell (GCRA)
 * @module
 */

/** `clusterStore()`'s hit: count `cost` units for `key` under the named policy at `now` (epoch ms). */
export interface RateLimitHitRequest {
  tsgi: 'shared-state';
  id: number;
  op: 'rate-limit.hit';
  name: string;
  algorithm: 'gcra' | 'sliding-window';
  limit: number;
  window: number;
  maxKeys: number;
  key: string;
  cost: number;
  now: number;
}
export type SharedStateRequest = RateLimitHitRequest;

/** @tsgi/rate-limit's HitResult; `retryAt: null` stands for Infinity (JSON has none). */
export interface HitAnswer {
  allowed: boolean;
  remaining: number;
  resetAt: number;
  retryAt: number | null;
}
export type SharedStateReply = { tsgi: 'shared-state'; id: number } & ({ result: HitAnswer } | { error: string });

/** A worker as the primary sees it: `child_process.ChildProcess` has these. */
interface Peer {
  connected: boolean;
  send(message: SharedStateReply, callback: (error: Error | null) => void): boolean;
}

/** GCRA: the TAT is `a + b / limit` ms. Sliding window: `a` start, `b` previous, `c` current. */
interface Counter {
  a: number;
  b: number;
  c: number;
  resetAt: number;
  key: string;
  /** The least-recently-used list (not the Map's order: V8 keeps deleted entries in it until a rehash). */
  older: Counter | null;
  newer: Counter | null;
}

const ignore = (): void => undefined;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const floorDiv = (a: number, b: number): number => (a - (a % b)) / b;
const ceilDiv = (a: number, b: number): number => (a % b === 0 ? a / b : floorDiv(a, b) + 1);

function gcra(s: Counter, cost: number, now: number, limit: number, window: number): HitAnswer {
  // The schedule starts at now at the earliest: unused time is not saved up past a full bucket.
  const behind = s.a < now || (s.a === now && s.b === 0);
  let tat = behind ? now : s.a;
  let frac = behind ? 0 : s.b;
  let allowed = false;
  let retryAt: number | null = null;
  if (cost <= limit) {
    const sum = frac + cost * window;
    const rest = sum % limit;
    const next = tat + (sum - rest) / limit;
    allowed = next - now < window || (next - now === window && rest === 0);
    if (allowed) {
      s.a = tat = next;
      s.b = frac = rest;
      retryAt = now;
    } else {
      retryAt = tat - window + ceilDiv(sum, limit);
    }
  }
  const full = tat < now || (tat === now && frac === 0);
  const resetAt = full ? now : frac > 0 ? tat + 1 : tat;
  if (allowed) s.resetAt = resetAt;
  const room = (now + window - tat) * limit - frac;
  const remaining = full ? limit : room <= 0 ? 0 : Math.min(limit, floorDiv(room, window));
  return { allowed, remaining, resetAt, retryAt };
}

function slidingWindow(s: Counter, cost: number, now: number, limit: number, window: number): HitAnswer {
  const start = now - (now % window);
  if (start > s.a) {
    s.b = start === s.a + window ? s.c : 0;
    s.c = 0;
    s.a = start;
  }
  let used = s.b * (window - Math.max(0, now - s.a)) + s.c * window;
  const allowed = cost <= limit && used + cost * window <= limit * window;
  if (allowed) {
    s.c += cost;
    used += cost * window;
  }
  s.resetAt = s.c > 0 ? s.a + 2 * window : s.b > 0 ? s.a + window : now;
  let retryAt: number | null = now;
  if (!allowed) {
    const budget = (limit - cost - s.c) * window;
    const weight = budget >= 0 && s.b > 0 ? floorDiv(budget, s.b) : 0;
    if (cost > limit) retryAt = null;
    else if (weight >= 1) retryAt = s.a + window - weight;
    else if (s.c === 0) retryAt = s.a + window;
    else retryAt = s.a + window + Math.max(0, window - floorDiv((limit - cost) * window, s.c));
  }
  return { allowed, remaining: Math.max(0, floorDiv(limit * window - used, window)), resetAt: s.resetAt, retryAt };
}

/** One policy's counters, in a Map and a least-recently-used list, at most `maxKeys`. */
class CounterTable {
  readonly keys = new Map<string, Counter>();
  newest: Counter | null = null;
  oldest: Counter | null = null;
  constructor(
    readonly algorithm: 'gcra' | 'sliding-window',
    public maxKeys: number,
  ) {}

  /** The key's counter, now the most recently used. */
  take(key: string): Counter {
    let counter = this.keys.get(key);
    if (counter === undefined) this.keys.set(key, (counter = { a: 0, b: 0, c: 0, resetAt: 0, key, older: null, newer: null }));
    else if (counter !== this.newest) this.unlink(counter);
    else return counter;
    counter.older = this.newest;
    if (this.newest !== null) this.newest.newer = counter;
    else this.oldest = counter;
    this.newest = counter;
    return counter;
  }

  /** Drops up to two expired keys from the oldest end, then the oldest past the bound. */
  sweep(now: number): void {
    for (let n = 0; n < 2 && this.oldest !== null && this.oldest.resetAt <= now; n++) this.drop(this.oldest);
    while (this.keys.size > this.maxKeys) this.drop(this.oldest!);
  }

  private drop(counter: Counter): void {
    this.unlink(counter);
    this.keys.delete(counter.key);
  }

  private unlink(counter: Counter): void {
    if (counter.older !== null) counter.older.newer = counter.newer;
    else this.oldest = counter.newer;
    if (counter.newer !== null) counter.newer.older = counter.older;
    else this.newest = counter.older;
    counter.older = counter.newer = null;
  }
}

export class SharedState {
  private readonly tables = new Map<string, CounterTable>();

  /** Answers `message` to the worker that sent it (if it is still there). */
  serve(peer: Peer, message: SharedStateRequest): void {
    const reply = this.answer(message);
    if (peer.connected) peer.send(reply, ignore);
  }

  /** The answer to one request; a malformed one gets an error answer, never a throw. */
  answer(message: SharedStateRequest): SharedStateReply {
    const id = message.id;
    if (message.op !== 'rate-limit.hit') return { tsgi: 'shared-state', id, error: `unknown shared-state operation ${JSON.stringify(message.op)}` };
    const { name, algorithm, limit, window, maxKeys, key, cost, now } = message;
    if (
      typeof name !== 'string' || typeof key !== 'string' || (algorithm !== 'gcra' && algorithm !== 'sliding-window') ||
      !isCount(limit) || limit < 1 || !isCount(window) || window < 1 || !isCount(maxKeys) || maxKeys < 1 || !isCount(cost) || !isCount(now)
    ) {
      return { tsgi: 'shared-state', id, error: `malformed rate-limit.hit request: ${JSON.stringify(message).slice(0, 200)}` };
    }
    let table = this.tables.get(name);
    if (table === undefined) this.tables.set(name, (table = new CounterTable(algorithm, maxKeys)));
    else if (table.algorithm !== algorithm) {
      return { tsgi: 'shared-state', id, error: `two rate limit policies named "${name}" use different algorithms (${table.algorithm}, ${algorithm}); give each rateLimit() its own name` };
    }
    if (maxKeys > table.maxKeys) table.maxKeys = maxKeys;
    const counter = table.take(key);
    const result = algorithm === 'gcra' ? gcra(counter, cost, now, limit, window) : slidingWindow(counter, cost, now, limit, window);
    table.sweep(now);
    return { tsgi: 'shared-state', id, result };
  }

  /** Keys held for the policy named `name`. */
  size(name: string): number {
    return this.tables.get(name)?.keys.size ?? 0;
  }
}
