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
}

const ignore = (): void => undefined;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const floorDiv = (a: number, b: number): number => (a - (a % b)) / b;
const ceilDiv = (a: number, b: number): number => (a % b === 0 ? a / b : floorDiv(a, b) + 1);

function gcra(s: Counter, cost: number, now: number, limit: number, window: number): HitAnswer {
  let tat = s.a;
  let frac = s.b;
  if (tat < now || (tat === now && frac === 0)) [tat, frac] = [now, 0];
  let allowed = false;
  let retryAt: number | null = null;
  if (cost <= limit) {
    const sum = frac + cost * window;
    const rest = sum % limit;
    const next = tat + (sum - rest) / limit;
    allowed = next - now < window || (next - now === window && rest === 0);
    if (allowed) [s.a, s.b, tat, frac, retryAt] = [next, rest, next, rest, now];
    else retryAt = tat - window + ceilDiv(sum, limit);
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
  if (start > s.a) [s.b, s.c, s.a] = [start === s.a + window ? s.c : 0, 0, start];
  let used = s.b * (window - Math.max(0, now - s.a)) + s.c * window;
  const allowed = cost <= limit && used + cost * window <= limit * window;
  if (allowed) [s.c, used] = [s.c + cost, used + cost * window];
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

/** One policy's counters, least recently used first. */
class CounterTable {
  readonly keys = new Map<string, Counter>();
  constructor(
    readonly algorithm: 'gcra' | 'sliding-window',
    public maxKeys: number,
  ) {}
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
    const keys = table.keys;
    const counter = keys.get(key) ?? { a: 0, b: 0, c: 0, resetAt: 0 };
    keys.delete(key);
    const result = algorithm === 'gcra' ? gcra(counter, cost, now, limit, window) : slidingWindow(counter, cost, now, limit, window);
    keys.set(key, counter);
    let checked = 0;
    for (const [old, state] of keys) {
      if (checked++ === 2 || state.resetAt > now) break;
      keys.delete(old);
    }
    while (keys.size > table.maxKeys) keys.delete(keys.keys().next().value!);
    return { tsgi: 'shared-state', id, result };
  }

  /** Keys held for the policy named `name`. */
  size(name: string): number {
    return this.tables.get(name)?.keys.size ?? 0;
  }
}
