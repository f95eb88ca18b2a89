/**
 * The nodes of the router's radix tree: static text shared by prefix (one child per
 * first character), then param branches and a wildcard, each with routes by method.
 * @module
 */
import type { StoredRoute } from './matcher.js';

/** The method key of a route that answers every method. */
export const ANY_METHOD = '*';

/** The routes that end at one place in the tree, by method (`'*'` for an `all` route). */
export class Table<T> extends Map<string, StoredRoute<T>> {
  /**
   * The `Allow` header for these methods, made by the router on the first 405 here
   * and kept until a route is added (the table only changes while routes are added).
   */
  allow: string | null = null;
  /** The `all` route here, kept apart so a miss costs one Map lookup, not two. */
  any: StoredRoute<T> | undefined = undefined;
  /**
   * For a static path's table: whether no other pattern (a param or wildcard route)
   * answers the path too, so a method missing here is a 405 from this table alone,
   * without a walk. Worked out on the first miss; `null` again whenever a route is added.
   */
  alone: boolean | null = null;

  override set(method: string, route: StoredRoute<T>): this {
    this.allow = null;
    if (method === ANY_METHOD) this.any = route;
    return super.set(method, route);
  }
}

export class StaticNode<T> {
  /** Child nodes, indexed by the first char code of their label (always < 256). */
  children: Array<StaticNode<T> | undefined> = [];
  params: Array<ParamNode<T>> = [];
  wildcard: Table<T> | null = null;
  routes: Table<T> | null = null;
  constructor(public label: string) {}
}

export interface ParamNode<T> {
  readonly constraint: RegExp | null;
  readonly source: string;
  readonly next: StaticNode<T>;
}

/** The node at the end of `text` below `start`, splitting a node where `text` leaves its label. */
export function insertStatic<T>(start: StaticNode<T>, text: string): StaticNode<T> {
  let node = start;
  while (text) {
    const code = text.charCodeAt(0);
    let child = node.children[code];
    if (!child) {
      child = new StaticNode<T>(text);
      node.children[code] = child;
      return child;
    }
    let common = 0;
    const max = Math.min(child.label.length, text.length);
    while (common < max && child.label.charCodeAt(common) === text.charCodeAt(common)) common++;
    if (common < child.label.length) {
      // Split: the shared head becomes a new node holding the old one as its child.
      const head = new StaticNode<T>(child.label.slice(0, common));
      child.label = child.label.slice(common);
      head.children[child.label.charCodeAt(0)] = child;
      node.children[code] = head;
      child = head;
    }
    node = child;
    text = text.slice(common);
  }
  return node;
}
