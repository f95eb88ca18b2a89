/**
 * A bounded table of counters, one per key, for one policy: what `memoryStore()`
 * keeps in this process. A Map finds a key's counter; a doubly linked list keeps the
 * keys in least-recently-used order (a hit moves its key to the newest end). At
 * most `maxKeys` keys are held: past that the least recently seen one is forgotten,
 * so a flood of distinct keys costs a bounded amount of memory. Each hit also drops
 * up to two expired keys from the oldest end (a key expires at its `resetAt`, when it
 * is as good as a fresh one): expiry needs no timer.
 *
 * The order is a linked list, not the Map's insertion order with delete + set per
 * hit: V8 leaves deleted entries in place until it rehashes, and walking from the
 * front past them made each hit cost O(keys) under a flood (docs/benchmarks.md, figures behind choices in the code).
 *
 * @example
 * const table = new CounterTable('gcra', 10_000);
 * table.hit('203.0.113.9', 1, Date.now(), 100, 60_000);
 * @module
 */
import { freshGcra, gcraHit, type GcraState } from './gcra.js';
import { freshWindow, slidingWindowHit, type WindowState } from './sliding-window.js';
import type { Algorithm, HitResult } from './store.js';

/** Expired keys dropped per hit: more than the one key a hit can add. */
const SWEEP_PER_HIT = 2;

class Node {
  older: Node | null = null;
  newer: Node | null = null;
  constructor(
    readonly key: string,
    readonly state: GcraState | WindowState,
  ) {}
}

export class CounterTable {
  private readonly nodes = new Map<string, Node>();
  private newest: Node | null = null;
  private oldest: Node | null = null;

  constructor(
    readonly algorithm: Algorithm,
    private readonly maxKeys: number,
  ) {}

  /** How many keys are held. */
  get size(): number {
    return this.nodes.size;
  }

  hit(key: string, cost: number, now: number, limit: number, window: number): HitResult {
    let node = this.nodes.get(key);
    if (node === undefined) {
      node = new Node(key, this.algorithm === 'gcra' ? freshGcra() : freshWindow());
      this.nodes.set(key, node);
      this.link(node);
    } else if (node !== this.newest) {
      this.unlink(node);
      this.link(node);
    }
    const result =
      this.algorithm === 'gcra'
        ? gcraHit(node.state as GcraState, cost, now, limit, window)
        : slidingWindowHit(node.state as WindowState, cost, now, limit, window);
    this.sweep(now);
    return result;
  }

  /** Drops expired keys at the oldest end, then the oldest ones past the bound. */
  private sweep(now: number): void {
    for (let n = 0; n < SWEEP_PER_HIT && this.oldest !== null && this.oldest.state.resetAt <= now; n++) this.drop(this.oldest);
    while (this.nodes.size > this.maxKeys) this.drop(this.oldest!);
  }

  private drop(node: Node): void {
    this.unlink(node);
    this.nodes.delete(node.key);
  }

  /** Puts `node` at the newest end. */
  private link(node: Node): void {
    node.older = this.newest;
    node.newer = null;
    if (this.newest !== null) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
  }

  private unlink(node: Node): void {
    if (node.older !== null) node.older.newer = node.newer;
    else this.oldest = node.newer;
    if (node.newer !== null) node.newer.older = node.older;
    else this.newest = node.older;
    node.older = node.newer = null;
  }
}
