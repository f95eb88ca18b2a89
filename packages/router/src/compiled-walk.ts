/**
 * The matcher's tree walk generated as code, with each node's labels, child chars,
 * params and tables written in as constants: a node whose subtree is small is written
 * into its parent's code, a larger one gets a function of its own. It returns what the
 * matcher's own `walk` (matcher.ts) returns for every path and method, in the same
 * order of precedence, leaving the same offsets in `bounds` and the same tables in
 * `reached`; the matcher builds it on the first lookup after a route was added.
 *
 * Why: the walk reads each node's fields (its children, their labels, its params and
 * tables) and compares labels char by char in a loop, per node visited: a 405 walks the
 * whole path (that is how it knows the path exists) and spent about half its time
 * there in a `--cpu-prof`. Generated, a node is a `switch` on one char and a chain of
 * compares with constants. A function per node was mostly calls and returns in a
 * profile; one function for the whole tree is too big for V8 to optimise at all.
 * Each table's answer per method is worked out here too (one array load in the walk).
 * find-my-way does the same for its label compares (and, in its `compile()`, its trees).
 *
 * Where code generation is refused (Cloudflare Workers, a CSP without 'unsafe-eval'),
 * `compileWalk` returns null and the matcher keeps walking the tree itself. Nothing
 * from a request or a pattern is written into the code as code: labels are char codes
 * or JSON strings, everything else is referenced by index into arrays passed in.
 *
 * @example
 * const walk = compileWalk(root, ['GET', 'POST'], { pick, settle, settled });
 * walk?.(path, 0, bounds, reached); // what walk(root, path, 0, 'GET', bounds, 0, reached) returns
 * @module
 */
import type { StoredRoute } from './matcher.js';
import type { ParamNode, StaticNode, Table } from './radix-node.js';

/**
 * The walk from the root for the method numbered `method` in the list it was made for:
 * `(path, method, bounds, reached) => route | settled | null`.
 */
export type CompiledWalk<T> = (path: string, method: number, bounds: number[], reached: Array<Table<T>> | null) => StoredRoute<T> | null;

/** The matcher's helpers the generated code calls (matcher.ts). */
export interface WalkHelpers<T> {
  pick(table: Table<T>, method: string): StoredRoute<T> | undefined;
  settle(table: Table<T>, reached: Array<Table<T>> | null): StoredRoute<T>;
  /** What `settle` returns: in a table's answers, "the miss is this table's". */
  readonly settled: StoredRoute<T>;
}

// Labels at least this long are compared with startsWith: a chain of compares grows with them.
const LONG_LABEL = 16;
// A node with at most this many nodes in its subtree is written into its parent's code.
const INLINE_NODES = 32;

/**
 * The walk of the tree under `root` as generated code, for the request methods
 * `methods` (called with an index into it), or null where code generation is refused.
 * Each table's answer for each method (its route, `settled`, or null to go on) is
 * worked out here, once, so a table costs the walk one array load, not a Map and a
 * Set lookup: the walk is made again whenever a route is added, so the answers are too.
 */
export function compileWalk<T>(root: StaticNode<T>, methods: readonly string[], helpers: WalkHelpers<T>): CompiledWalk<T> | null {
  const tables: Array<Table<T>> = [];
  const answers: Array<Array<StoredRoute<T> | null>> = [];
  const constraints: RegExp[] = [];
  const functions: string[] = [];
  let count = 0;

  // A table's part of a node: the route for the method, else settle or note the table.
  const tableCode = (table: Table<T>, onFound: string): string => {
    const i = tables.push(table) - 1;
    answers.push(methods.map((method) => helpers.pick(table, method) ?? (table.missesEverywhere(method) ? helpers.settled : null)));
    return `{ const route = a${i}[method]; if (route !== null) { if (route === settled) return settle(t${i}, reached); ${onFound} return route; }
      if (reached !== null) reached.push(t${i}); }`;
  };

  const labelTest = (label: string, pos: string): string => {
    if (label.length === 1) return 'true';
    if (label.length >= LONG_LABEL) return `path.startsWith(${JSON.stringify(label)}, ${pos})`;
    const compares: string[] = [];
    for (let i = 1; i < label.length; i++) compares.push(`path.charCodeAt(${pos} + ${i}) === ${label.charCodeAt(i)}`);
    return compares.join(' && ');
  };

  const sizes = new Map<StaticNode<T>, number>();
  const sizeOf = (node: StaticNode<T>): number => {
    let size = sizes.get(node);
    if (size === undefined) {
      size = 1;
      for (const child of node.children) if (child !== undefined) size += sizeOf(child);
      for (const param of node.params) size += sizeOf(param.next);
      sizes.set(node, size);
    }
    return size;
  };

  // The code that tries `node` with the walk at `pos` (a variable) and its params from
  // `bounds[depth]` on: it returns the route found, or falls through to what follows.
  function block(node: StaticNode<T>, pos: string, depth: number): string {
    const k = count++;
    const cases: string[] = [];
    node.children.forEach((child, i) => {
      if (child === undefined) return;
      const at = `p${count}`;
      cases.push(`case ${node.base + i}: if (${labelTest(child.label, pos)}) {
        const ${at} = ${pos} + ${child.label.length}; ${enter(child, at, depth)} } break;`);
    });
    const end = `e${k}`;
    const params = node.params.map((param: ParamNode<T>) => {
      const take = `bounds[${depth}] = ${pos}; bounds[${depth + 1}] = ${end}; ${enter(param.next, end, depth + 2)}`;
      if (param.constraint === null) return take;
      const r = `r${constraints.push(param.constraint) - 1}`;
      return `if (${r}.test(s${k} ??= path.slice(${pos}, ${end}))) { ${take} }`;
    });
    let code = `if (${pos} === length) { ${node.routes === null ? '' : tableCode(node.routes, '')} } else {`;
    if (cases.length !== 0) code += ` switch (path.charCodeAt(${pos})) { ${cases.join('\n')} }`;
    if (params.length !== 0) {
      code += ` let ${end} = ${pos}; while (${end} !== length && path.charCodeAt(${end}) !== 47) ${end}++;
        if (${end} > ${pos}) { let s${k} = null; ${params.join('\n')} }`;
    }
    code += ' }';
    if (node.wildcard !== null) code += tableCode(node.wildcard, `bounds[${depth}] = ${pos}; bounds[${depth + 1}] = length;`);
    return code;
  }

  // `node` tried from its parent: written into the parent's code when its subtree is
  // small, else a call to a function of its own (a function per node was mostly calls).
  function enter(node: StaticNode<T>, pos: string, depth: number): string {
    if (sizeOf(node) <= INLINE_NODES) return block(node, pos, depth);
    return `{ const route = ${functionFor(node, depth)}(path, ${pos}, method, bounds, reached); if (route !== null) return route; }`;
  }

  function functionFor(node: StaticNode<T>, depth: number): string {
    const name = `n${functions.length}`;
    functions.push('');
    const body = block(node, 'pos', depth);
    functions[Number(name.slice(1))] = `function ${name}(path, pos, method, bounds, reached) { const length = path.length; ${body}\n return null; }`;
    return name;
  }

  const first = functionFor(root, 0);
  const source = `'use strict';
    ${tables.map((_, i) => `const t${i} = tables[${i}], a${i} = answers[${i}];`).join(' ')}
    ${constraints.map((_, i) => `const r${i} = constraints[${i}];`).join(' ')}
    ${functions.join('\n')}
    return function compiledWalk(path, method, bounds, reached) { return ${first}(path, 0, method, bounds, reached); };`;
  try {
    // Generated on purpose (see the module comment); only char codes, JSON strings and indexes go in.
    const make = new Function('tables', 'answers', 'constraints', 'settle', 'settled', source);
    return make(tables, answers, constraints, helpers.settle, helpers.settled) as CompiledWalk<T>;
  } catch {
    return null;
  }
}
