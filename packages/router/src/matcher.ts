/**
 * The pure lookup behind `router()`: method + path to a value and its raw params,
 * with no environ and no decoding, so it can be measured against find-my-way and
 * Hono's routers (bench/router).
 *
 * Fully static routes sit in a `Map` keyed by path and are answered first. Every
 * route is also in a radix tree (static text shared by prefix, one branch per
 * character), so lookup cost grows with the path, not with the number of routes.
 *
 * Precedence, at every segment: static text, then constrained params (in the order
 * they were added), then plain params, then a wildcard. A branch that fails further
 * down — or has no route for the method — backtracks to the next kind, so
 * `/users/new` (static) and `/users/:id/edit` both work.
 *
 * Methods: an exact route wins, then HEAD is served by GET, then an `all` route.
 *
 * A miss and its `Allow` come from the same walk, which costs about one match: each
 * route table knows, from the patterns alone (overlap.ts), whether the methods answered
 * at its paths are the same at all of them; when they are and lack the method, the walk
 * stops at the first such table and the 405's `Allow` is that table's. Else, given a
 * `reached` list, the walk goes on and puts there every route table the path ends at.
 *
 * @example
 * const m = new Matcher<string>();
 * m.add('GET', '/users/:id', 'show');
 * m.find('GET', '/users/42'); // { route: { value: 'show', names: ['id'], ... }, params: ['42'] }
 * @module
 */
import { argsFactory, type ArgsFactory } from './args-factory.js';
import { compileWalk, type CompiledWalk, type WalkHelpers } from './compiled-walk.js';
import { shapeOf } from './overlap.js';
import { parsePattern } from './pattern.js';
import { ANY_METHOD, childAt, insertStatic, StaticNode, Table, type Registry } from './radix-node.js';

export { ANY_METHOD, Table };

export interface Route<T> {
  readonly method: string;
  readonly pattern: string;
  readonly value: T;
  /** Param names, in the order their values appear in `Match.params`. */
  readonly names: readonly string[];
}

/** A route as the matcher keeps it: with the maker of its routing args (args-factory.ts). */
export interface StoredRoute<T> extends Route<T> {
  readonly args: ArgsFactory;
}

export interface Match<T> {
  readonly route: Route<T>;
  /** Raw param values (PATH_INFO text, not decoded), in the order of `route.names`. */
  readonly params: readonly string[];
}

const NO_PARAMS: readonly string[] = Object.freeze([]);
/** What a walk returns when a table it reached settles the miss (`Table.missesEverywhere`). */
const SETTLED: StoredRoute<unknown> = Object.freeze({ method: '', pattern: '', value: undefined, names: NO_PARAMS, args: () => [[], {}] as [string[], Record<string, string>] });

function pick<T>(table: Table<T>, method: string): StoredRoute<T> | undefined {
  return table.get(method) ?? (method === 'HEAD' ? table.get('GET') : undefined) ?? table.any;
}

export class Matcher<T> {
  private readonly root = new StaticNode<T>('');
  private readonly statics = new Map<string, Table<T>>();
  private readonly staticMatches = new Map<Route<T>, Match<T>>();
  private dynamic = false;
  private readonly registry: Registry<T> = { tables: [], generation: 0 };
  /** Every method some route was added for; a request with any other finds nothing. */
  private readonly methods = new Set<string>();
  /**
   * Where the params of the walk in progress start and end in the path, two numbers
   * each, written at the walk's depth: a failed branch leaves numbers behind, not
   * strings it sliced for nothing. The route found says how many are valid (one per
   * name). `find` is synchronous and runs no caller code, so one list per matcher does.
   */
  private readonly offsets: number[] = [];
  /** `walk` generated for the tree as it is (compiled-walk.ts): undefined when stale, null where refused. */
  private compiled: CompiledWalk<T> | null | undefined = undefined;
  /** The methods the generated walk takes, by name: every method added, and HEAD when GET is. */
  private methodIds = new Map<string, number>();

  /**
   * After `lookup` found a route with params: where each param's value starts and
   * ends in the path, two numbers per name of the route. Valid until the next call.
   */
  get bounds(): readonly number[] {
    return this.offsets;
  }

  /** Adds a route; `method` is an HTTP method or `'*'` (any). Throws on a duplicate. */
  add(method: string, pattern: string, value: T): Route<T> {
    const tokens = parsePattern(pattern);
    const names: string[] = [];
    let node = this.root;
    let table: Table<T> | null = null;
    let staticPath = '';
    for (const token of tokens) {
      if (token.kind === 'static') {
        node = insertStatic(node, token.text);
        staticPath += token.text;
      } else if (token.kind === 'param') {
        names.push(token.name);
        let param = node.params.find((p) => p.source === token.source);
        if (!param) {
          param = { constraint: token.constraint, source: token.source, next: new StaticNode<T>('') };
          // Constrained params are tried before the catch-all plain one.
          const plain = node.params.findIndex((p) => p.constraint === null);
          if (token.constraint && plain !== -1) node.params.splice(plain, 0, param);
          else node.params.push(param);
          node.fork = true;
        }
        node = param.next;
      } else {
        names.push(token.name);
        table = node.wildcard ??= new Table(shapeOf(tokens), this.registry);
        node.fork = true;
      }
    }
    table ??= node.routes ??= new Table(shapeOf(tokens), this.registry);
    if (table.has(method)) throw new Error(`router: ${method} ${pattern} conflicts with ${table.get(method)!.pattern}`);
    const route: StoredRoute<T> = Object.freeze({ method, pattern, value, names: Object.freeze(names), args: argsFactory(names) });
    table.set(method, route);
    this.methods.add(method);
    this.registry.generation++; // every table's `everywhere` is worked out again
    this.compiled = undefined; // the tree changed: generated again on the next lookup
    if (names.length === 0) {
      this.statics.set(staticPath, table);
      this.staticMatches.set(route, Object.freeze({ route, params: NO_PARAMS }));
    } else {
      this.dynamic = true;
    }
    return route;
  }

  /**
   * The route for `method` and `path` (PATH_INFO text), or `null`. When it returns
   * `null` and `reached` is given, `reached` gets either one table whose `everywhere()`
   * is every method answered at `path`, or every route table that answers `path` for
   * some method (what `tablesAt(path)` returns): empty means 404, else 405 (allow.ts
   * makes the `Allow` of either). On a match `reached` may hold tables passed on the
   * way; ignore it then.
   */
  find(method: string, path: string, reached?: Array<Table<T>>): Match<T> | null {
    const route = this.lookup(method, path, reached);
    if (route === null) return null;
    if (route.names.length === 0) return this.staticMatches.get(route)!;
    const params = new Array<string>(route.names.length);
    for (let i = 0; i < params.length; i++) params[i] = path.slice(this.offsets[2 * i]!, this.offsets[2 * i + 1]!);
    return { route, params };
  }

  /**
   * `find` without making a Match: the route, or `null` (with `reached` filled as
   * `find` fills it). A route with params leaves their offsets in `bounds`, so a
   * caller that copies the values anyway (the router) slices them once, itself.
   */
  lookup(method: string, path: string, reached?: Array<Table<T>>): StoredRoute<T> | null {
    let compiled = this.compiled;
    if (compiled === undefined) compiled = this.prepare();
    const id = this.methodIds.get(method);
    // A method no route has (PROPFIND, a typo) cannot match: skip the walk, whose
    // backtracking would try every branch before giving up.
    if (id === undefined && !this.methods.has(ANY_METHOD)) {
      if (reached !== undefined) this.collectInto(path, reached);
      return null;
    }
    const table = this.statics.get(path);
    if (table !== undefined) {
      const route = pick(table, method);
      if (route !== undefined) return route;
      // No pattern answering this path has the method: the miss is this table's, with no
      // walk. (Else every route is in the tree too, and the walk reaches this table again.)
      if (!this.dynamic || table.missesEverywhere(method)) {
        if (reached !== undefined) reached.push(table);
        return null;
      }
    }
    if (!this.dynamic) return null;
    // The generated walk, else (code generation refused, or a method only an `all` route takes) the tree's own.
    const route =
      compiled !== null && id !== undefined
        ? compiled(path, id, this.offsets, reached ?? null)
        : walk(this.root, path, 0, method, this.offsets, 0, reached ?? null);
    return route === SETTLED ? null : route;
  }

  /** Numbers the methods and generates the walk for the tree as it is now. */
  private prepare(): CompiledWalk<T> | null {
    const methods = [...this.methods].filter((method) => method !== ANY_METHOD);
    if (this.methods.has('GET') && !this.methods.has('HEAD')) methods.push('HEAD');
    this.methodIds = new Map(methods.map((method, i) => [method, i]));
    return (this.compiled = compileWalk(this.root, methods, WALK_HELPERS as WalkHelpers<T>));
  }

  /** Every method some route answers at `path` (`'*'` for an `all` route); empty when none. */
  allowed(path: string): Set<string> {
    const out = new Set<string>();
    for (const table of this.tablesAt(path)) for (const method of table.keys()) out.add(method);
    return out;
  }

  /**
   * The route tables that answer `path`, whatever the method: usually one. A static
   * path is one Map lookup; others walk the tree once.
   */
  tablesAt(path: string): Array<Table<T>> {
    const tables: Array<Table<T>> = [];
    this.collectInto(path, tables);
    return tables;
  }

  private collectInto(path: string, out: Array<Table<T>>): void {
    if (!this.dynamic) {
      const table = this.statics.get(path);
      if (table !== undefined) out.push(table);
    } else {
      collect(this.root, path, 0, out);
    }
  }
}

/**
 * Depth-first, in precedence order, backtracking out of branches with no route for
 * `method`. A walk that fails has visited exactly the branches `collect` visits, so
 * it records the tables it reached in `reached` on the way; unless a table it reaches
 * settles the miss, when it leaves that table alone in `reached` and returns SETTLED
 * (each caller up the walk passes any non-null route up, so the backtracking ends).
 */
function walk<T>(
  node: StaticNode<T>,
  path: string,
  pos: number,
  method: string,
  bounds: number[],
  depth: number,
  reached: Array<Table<T>> | null,
): StoredRoute<T> | null {
  const length = path.length;
  // Down the static text in a loop while there is nothing to come back to: a node with
  // no param branch and no wildcard has only its child to try (most nodes; fewer calls).
  while (pos !== length && !node.fork) {
    const next = childAt(node, path.charCodeAt(pos));
    if (next === undefined || (next.label.length !== 1 && !labelAt(path, pos, next.label))) return null;
    pos += next.label.length;
    node = next;
  }
  if (pos === length) {
    if (node.routes !== null) {
      const route = pick(node.routes, method);
      if (route !== undefined) return route;
      if (node.routes.missesEverywhere(method)) return settle(node.routes, reached);
      if (reached !== null) reached.push(node.routes);
    }
  } else {
    // A child is filed under its label's first char: a one-char label has matched already.
    const child = childAt(node, path.charCodeAt(pos));
    if (child !== undefined && (child.label.length === 1 || labelAt(path, pos, child.label))) {
      const route = walk(child, path, pos + child.label.length, method, bounds, depth, reached);
      if (route !== null) return route;
    }
    const candidates = node.params;
    if (candidates.length !== 0) {
      // A loop, not indexOf: segments are short and the builtin call costs more.
      let end = pos;
      while (end !== length && path.charCodeAt(end) !== 47) end++;
      if (end > pos) {
        let segment: string | null = null; // sliced only for a constraint to test
        for (let i = 0; i < candidates.length; i++) {
          const param = candidates[i]!;
          if (param.constraint !== null && !param.constraint.test((segment ??= path.slice(pos, end)))) continue;
          bounds[depth] = pos;
          bounds[depth + 1] = end;
          const route = walk(param.next, path, end, method, bounds, depth + 2, reached);
          if (route !== null) return route;
        }
      }
    }
  }
  if (node.wildcard !== null) {
    const route = pick(node.wildcard, method);
    if (route !== undefined) {
      bounds[depth] = pos;
      bounds[depth + 1] = length;
      return route;
    }
    if (node.wildcard.missesEverywhere(method)) return settle(node.wildcard, reached);
    if (reached !== null) reached.push(node.wildcard);
  }
  return null;
}

/**
 * Whether `label` is in `path` at `pos`; its first char is known to match (children are
 * filed by it). A loop, not `startsWith`: labels are short, and the builtin call (its
 * argument checks, a string of any representation) cost a third of a 405's walk in a
 * `--cpu-prof`, for fewer instructions than it took time.
 */
function labelAt(path: string, pos: number, label: string): boolean {
  const length = label.length;
  if (pos + length > path.length) return false;
  for (let i = 1; i < length; i++) if (path.charCodeAt(pos + i) !== label.charCodeAt(i)) return false;
  return true;
}

function settle<T>(table: Table<T>, reached: Array<Table<T>> | null): StoredRoute<T> {
  if (reached !== null) {
    while (reached.length !== 0) reached.pop();
    reached.push(table);
  }
  return SETTLED as StoredRoute<T>;
}

const WALK_HELPERS: WalkHelpers<unknown> = { pick, settle, settled: SETTLED };

function collect<T>(node: StaticNode<T>, path: string, pos: number, out: Array<Table<T>>): void {
  const length = path.length;
  if (pos === length) {
    if (node.routes !== null) out.push(node.routes);
  } else {
    const child = childAt(node, path.charCodeAt(pos));
    if (child !== undefined && path.startsWith(child.label, pos)) collect(child, path, pos + child.label.length, out);
    let end = path.indexOf('/', pos);
    if (end === -1) end = length;
    if (end > pos) {
      const segment = path.slice(pos, end);
      for (const param of node.params) {
        if (param.constraint === null || param.constraint.test(segment)) collect(param.next, path, end, out);
      }
    }
  }
  if (node.wildcard !== null) out.push(node.wildcard);
}
