/**
 * A bounded table of counters, one per key, for one policy: what `memoryStore()`
 * keeps in this process. A Map in least-recently-used order (a hit moves its key to
 * the end) holds at most `maxKeys` keys: past that the least recently seen key is
 * forgotten, so a flood of distinct keys costs a bounded amount of memory. Each hit
 * also drops up to two expired keys from the front (a key expires at its `resetAt`,
 * when it is as good as a fresh one): expiry needs no timer.
 *
 * @example
 * const table = new CounterTable('gcra', 10_000);
 * table.hit('203.0.113.9', 1, Date.now(), 100, 60_000);
 * @module
 */
import { freshGcra, gcraHit, type GcraState } from './gcra.js';
import { freshWindow, slidingWindowHit, type WindowState } from './sliding-window.js';
import type { Algorithm, HitResult } from './store.js';

/** Expired keys dropped per hit: enough to keep up with one new key per hit. */
const SWEEP_PER_HIT = 2;

export class CounterTable {
  private readonly keys = new Map<string, GcraState | WindowState>();

  constructor(
    readonly algorithm: Algorithm,
    private maxKeys: number,
  ) {}

  /** How many keys are held. */
  get size(): number {
    return this.keys.size;
  }

  /** Raises the bound (two stores or workers asking for different bounds get the larger). */
  allow(maxKeys: number): void {
    if (maxKeys > this.maxKeys) this.maxKeys = maxKeys;
  }

  hit(key: string, cost: number, now: number, limit: number, window: number): HitResult {
    const keys = this.keys;
    let state = keys.get(key);
    if (state === undefined) {
      state = this.algorithm === 'gcra' ? freshGcra() : freshWindow();
    } else {
      keys.delete(key); // re-inserted below: now the most recently used
    }
    const result =
      this.algorithm === 'gcra'
        ? gcraHit(state as GcraState, cost, now, limit, window)
        : slidingWindowHit(state as WindowState, cost, now, limit, window);
    keys.set(key, state);
    this.sweep(now);
    return result;
  }

  /** Drops expired keys at the front, then the oldest ones past the bound. */
  private sweep(now: number): void {
    const keys = this.keys;
    let checked = 0;
    for (const [key, state] of keys) {
      if (checked++ === SWEEP_PER_HIT || state.resetAt > now) break;
      keys.delete(key);
    }
    while (keys.size > this.maxKeys) keys.delete(keys.keys().next().value!);
  }
}
