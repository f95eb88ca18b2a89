/**
 * The nodes of the router's radix tree: static text shared by prefix (one child per
 * first character), then param branches and a wildcard, each with routes by method.
 * @module
 */
import type { StoredRoute } from './matcher.js';
import { covers, mayOverlap, type Shape } from './overlap.js';

/** The method key of a route that answers every method. */
export const ANY_METHOD = '*';

/** What the route tables of one matcher share: the list of them, and a count of changes. */
export interface Registry<T> {
  readonly tables: Array<Table<T>>;
  /** Bumped whenever a route is added: what a table worked out from the others is stale then. */
  generation: number;
}

/** The routes that end at one place in the tree, by method (`'*'` for an `all` route). */
export class Table<T> extends Map<string, StoredRoute<T>> {
  /**
   * The `Allow` header for a path this table answers, made by the router on the first
   * 405 here and kept until a route is added anywhere (see `everywhere`).
   */
  allow: string | null = null;
  /** The `all` route here, kept apart so a miss costs one Map lookup, not two. */
  any: StoredRoute<T> | undefined = undefined;
  private exact: ReadonlySet<string> | null = null;
  private exactAt = -1;
  /** Whether `exact` takes every method (an `all` route), or HEAD (by GET): no Set lookups per miss. */
  private exactAny = false;
  private exactHead = false;

  /** `shape`: the pattern's segments, the same for every route here (overlap.ts). */
  constructor(readonly shape: Shape, private readonly registry: Registry<T>) {
    super();
    registry.tables.push(this);
  }

  override set(method: string, route: StoredRoute<T>): this {
    if (method === ANY_METHOD) this.any = route;
    return super.set(method, route);
  }

  /**
   * The methods some route answers at every path this table answers, when they are the
   * same at each (every other pattern that may answer one of them answers them all);
   * else `null`. With it a method missing from it is a 405 as soon as the walk gets
   * here. Worked out on first use, again after a route is added anywhere.
   */
  everywhere(): ReadonlySet<string> | null {
    if (this.exactAt !== this.registry.generation) {
      this.exactAt = this.registry.generation;
      this.allow = null;
      this.exact = this.workOut();
      this.exactAny = this.exact?.has(ANY_METHOD) ?? false;
      this.exactHead = this.exact !== null && (this.exact.has('HEAD') || this.exact.has('GET'));
    }
    return this.exact;
  }

  /** Whether no route answers `method` at any path this table answers (known here). */
  missesEverywhere(method: string): boolean {
    const exact = this.everywhere();
    return exact !== null && !this.exactAny && (method === 'HEAD' ? !this.exactHead : !exact.has(method));
  }

  private workOut(): ReadonlySet<string> | null {
    const methods = new Set(this.keys());
    for (const other of this.registry.tables) {
      if (other === this || !mayOverlap(other.shape, this.shape)) continue;
      if (!covers(other.shape, this.shape)) return null; // answers some of these paths only
      for (const method of other.keys()) methods.add(method);
    }
    return methods;
  }
}

export class StaticNode<T> {
  /**
   * Child nodes by the first char code of their label, less `base` (the lowest such
   * code): an array only as long as the span of first chars, not 256 long, so the
   * tree's child lists sit in a few cache lines (read with `childAt`).
   */
  children: Array<StaticNode<T> | undefined> = [];
  base = 0;
  params: Array<ParamNode<T>> = [];
  wildcard: Table<T> | null = null;
  routes: Table<T> | null = null;
  /**
   * Whether a walk may come back here: the node has a param branch or a wildcard. One
   * flag for the walk's static loop to read per node, where it read two fields.
   */
  fork = false;
  constructor(public label: string) {}
}

export interface ParamNode<T> {
  readonly constraint: RegExp | null;
  readonly source: string;
  readonly next: StaticNode<T>;
}

/** The child of `node` whose label starts with char `code`, if any. */
export function childAt<T>(node: StaticNode<T>, code: number): StaticNode<T> | undefined {
  const i = code - node.base;
  return i >= 0 ? node.children[i] : undefined;
}

function setChild<T>(node: StaticNode<T>, code: number, child: StaticNode<T>): void {
  const old = node.children;
  if (old.length === 0) node.base = code;
  const base = Math.min(node.base, code);
  const length = Math.max(node.base + old.length, code + 1) - base;
  const shift = node.base - base;
  // Rebuilt whole, with undefined (not holes) in the gaps: a packed array.
  node.children = Array.from({ length }, (_, i) => (i + base === code ? child : old[i - shift]));
  node.base = base;
}

/** The node at the end of `text` below `start`, splitting a node where `text` leaves its label. */
export function insertStatic<T>(start: StaticNode<T>, text: string): StaticNode<T> {
  let node = start;
  while (text) {
    const code = text.charCodeAt(0);
    let child = childAt(node, code);
    if (!child) {
      child = new StaticNode<T>(text);
      setChild(node, code, child);
      return child;
    }
    let common = 0;
    const max = Math.min(child.label.length, text.length);
    while (common < max && child.label.charCodeAt(common) === text.charCodeAt(common)) common++;
    if (common < child.label.length) {
      // Split: the shared head becomes a new node holding the old one as its child.
      const head = new StaticNode<T>(child.label.slice(0, common));
      child.label = child.label.slice(common);
      setChild(head, child.label.charCodeAt(0), child);
      setChild(node, code, head);
      child = head;
    }
    node = child;
    text = text.slice(common);
  }
  return node;
}
