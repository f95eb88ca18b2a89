/**
 * `memoryStore({ max })`: sessions in this process's memory, for development, tests
 * and single-process deployments. Bounded, unlike express-session's MemoryStore ("will
 * leak memory", its README says): at most `max` sessions, the least recently used
 * forgotten first (that visitor is logged out), and each write drops up to two expired
 * sessions from the old end, so expiry needs no timer. A Map finds a session, a doubly
 * linked list keeps the use order (a Map's delete + set per hit costs O(size) in V8
 * under churn: see @tsgi/rate-limit's counters.ts). Sessions are kept as JSON text, so
 * what the app gets back is what a Redis store would give (a Date comes back a string),
 * and an object the app changes after the response does not change the stored session.
 *
 * One process only: under `tsgi serve --workers 4` each worker has its own sessions and
 * a visitor is logged in on one worker in four. It says so once, at the first request;
 * use a Redis store there.
 *
 * @example
 * const app = session({ store: memoryStore({ max: 50_000 }) })(routes);
 * @module
 */
import type { SessionData, SessionStore } from './store.js';
import { cliWorkerCount } from './workers.js';

export interface MemoryStoreOptions {
  /** Sessions kept at most; past it the least recently used is forgotten. @default 10_000 */
  max?: number;
  /** The clock, epoch ms (tests pass their own; give session() the same one). @default Date.now */
  now?: () => number;
}

export const MEMORY_DEFAULTS = { max: 10_000, now: Date.now } satisfies Required<MemoryStoreOptions>;

/** Expired sessions dropped per write: more than the one a write can add. */
const SWEEP_PER_WRITE = 2;

class Entry {
  older: Entry | null = null;
  newer: Entry | null = null;
  constructor(
    readonly id: string,
    public text: string,
    public expiresAt: number,
  ) {}
}

export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  if (typeof options !== 'object' || options === null) throw new TypeError('memoryStore: options must be an object such as { max: 10000 }');
  const max = options.max ?? MEMORY_DEFAULTS.max;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw new TypeError(`memoryStore: max must be a positive integer (sessions kept), got ${String(max)}`);
  }
  const now = options.now ?? MEMORY_DEFAULTS.now;
  if (typeof now !== 'function') throw new TypeError(`memoryStore: now must be a function returning epoch milliseconds, got ${String(now)}`);
  return new MemoryStore(max, now);
}

export class MemoryStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();
  private newest: Entry | null = null;
  private oldest: Entry | null = null;

  constructor(
    readonly max: number,
    private readonly now: () => number,
  ) {}

  /** Sessions held (expired ones not yet dropped included). */
  get size(): number {
    return this.entries.size;
  }

  get(id: string): Promise<SessionData | undefined> {
    const entry = this.live(id);
    if (entry === undefined) return Promise.resolve(undefined);
    this.use(entry);
    return Promise.resolve(JSON.parse(entry.text) as SessionData);
  }

  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    const text = JSON.stringify(data);
    const expiresAt = this.now() + ttlMs;
    const entry = this.entries.get(id);
    if (entry === undefined) {
      const added = new Entry(id, text, expiresAt);
      this.entries.set(id, added);
      this.link(added);
    } else {
      entry.text = text;
      entry.expiresAt = expiresAt;
      this.use(entry);
    }
    this.sweep();
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry !== undefined) this.remove(entry);
    return Promise.resolve();
  }

  touch(id: string, ttlMs: number): Promise<void> {
    const entry = this.live(id);
    if (entry !== undefined) {
      entry.expiresAt = this.now() + ttlMs;
      this.use(entry);
    }
    return Promise.resolve();
  }

  warning(): string | undefined {
    const workers = cliWorkerCount();
    if (workers === undefined || workers < 2) return undefined;
    return (
      `memoryStore keeps sessions in each worker's memory: with ${workers} tsgi workers a visitor's session is on one worker only, ` +
      'and requests served by the others do not see it. Use a Redis store (@tsgi/redis) or cookieStore({ keys }).'
    );
  }

  /** The entry for `id` unless it expired (then it is dropped). */
  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    this.remove(entry);
    return undefined;
  }

  /** Past `max`, the least recently used go; a few expired ones go from the old end too. */
  private sweep(): void {
    while (this.entries.size > this.max) this.remove(this.oldest!);
    const now = this.now();
    for (let i = 0; i < SWEEP_PER_WRITE && this.oldest !== null && this.oldest.expiresAt <= now; i++) this.remove(this.oldest);
  }

  private use(entry: Entry): void {
    if (entry === this.newest) return;
    this.unlink(entry);
    this.link(entry);
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.id);
    this.unlink(entry);
  }

  private link(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest !== null) this.newest.newer = entry;
    this.newest = entry;
    this.oldest ??= entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = null;
  }
}
