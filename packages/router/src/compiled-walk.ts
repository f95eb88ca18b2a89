/**
 * The matcher's tree walk generated as code, one function per node, with the node's
 * labels, child chars, params and tables written in as constants. It returns what the
 * matcher's own `walk` (matcher.ts) returns for every path and method, in the same
 * order of precedence, leaving the same offsets in `bounds` and the same tables in
 * `reached`; the matcher builds it on the first lookup after a route was added.
 *
 * Why: the walk reads each node's fields (its children, their labels, its params and
 * tables) and compares labels char by char in a loop, per node visited: a 405 walks the
 * whole path (that is how it knows the path exists) and spent about half its time
 * there in a `--cpu-prof`. Generated, a node is a `switch` on one char and a chain of
 * compares with constants, and V8 inlines the small node functions into their parents.
 * find-my-way does the same for its label compares (and, in its `compile()`, its trees).
 *
 * Where code generation is refused (Cloudflare Workers, a CSP without 'unsafe-eval'),
 * `compileWalk` returns null and the matcher keeps walking the tree itself. Nothing
 * from a request or a pattern is written into the code as code: labels are char codes
 * or JSON strings, everything else is referenced by index into arrays passed in.
 *
 * @example
 * const walk = compileWalk(root, { pick, settle });
 * walk?.(path, 'GET', bounds, reached); // what walk(root, path, 0, 'GET', bounds, 0, reached) returns
 * @module
 */
import type { StoredRoute } from './matcher.js';
import type { ParamNode, StaticNode, Table } from './radix-node.js';

/** The walk from the root: `(path, method, bounds, reached) => route | SETTLED | null`. */
export type CompiledWalk<T> = (path: string, method: string, bounds: number[], reached: Array<Table<T>> | null) => StoredRoute<T> | null;

/** The matcher's helpers the generated code calls (matcher.ts). */
export interface WalkHelpers<T> {
  pick(table: Table<T>, method: string): StoredRoute<T> | undefined;
  settle(table: Table<T>, reached: Array<Table<T>> | null): StoredRoute<T>;
}

// Labels at least this long are compared with startsWith: a chain of compares grows with them.
const LONG_LABEL = 16;

/** The walk of the tree under `root` as generated code, or null where code generation is refused. */
export function compileWalk<T>(root: StaticNode<T>, helpers: WalkHelpers<T>): CompiledWalk<T> | null {
  const tables: Array<Table<T>> = [];
  const constraints: RegExp[] = [];
  const functions: string[] = [];
  let count = 0;

  // A table's part of a node: the route for the method, else settle or note the table.
  const tableCode = (table: Table<T>, onFound: string): string => {
    const t = `t${tables.push(table) - 1}`;
    return `{ const route = pick(${t}, method); if (route !== undefined) { ${onFound} return route; }
      if (${t}.missesEverywhere(method)) return settle(${t}, reached);
      if (reached !== null) reached.push(${t}); }`;
  };

  const labelTest = (label: string): string => {
    if (label.length === 1) return 'true';
    if (label.length >= LONG_LABEL) return `path.startsWith(${JSON.stringify(label)}, pos)`;
    const compares: string[] = [];
    for (let i = 1; i < label.length; i++) compares.push(`path.charCodeAt(pos + ${i}) === ${label.charCodeAt(i)}`);
    return compares.join(' && ');
  };

  // Emits the function for `node`; returns its name.
  function emit(node: StaticNode<T>): string {
    const name = `n${count++}`;
    const cases: string[] = [];
    node.children.forEach((child, i) => {
      if (child === undefined) return;
      const next = emit(child);
      cases.push(`case ${node.base + i}: if (${labelTest(child.label)}) {
        const route = ${next}(path, pos + ${child.label.length}, method, bounds, depth, reached);
        if (route !== null) return route; } break;`);
    });
    const params = node.params.map((param: ParamNode<T>) => {
      const next = emit(param.next);
      const call = `bounds[depth] = pos; bounds[depth + 1] = end;
        { const route = ${next}(path, end, method, bounds, depth + 2, reached); if (route !== null) return route; }`;
      if (param.constraint === null) return call;
      const r = `r${constraints.push(param.constraint) - 1}`;
      return `if (${r}.test(segment ??= path.slice(pos, end))) { ${call} }`;
    });
    let body = 'const length = path.length;\n';
    body += `if (pos === length) { ${node.routes === null ? '' : tableCode(node.routes, '')} }`;
    body += ' else {';
    if (cases.length !== 0) body += ` switch (path.charCodeAt(pos)) { ${cases.join('\n')} }`;
    if (params.length !== 0) {
      body += ` let end = pos; while (end !== length && path.charCodeAt(end) !== 47) end++;
        if (end > pos) { let segment = null; ${params.join('\n')} }`;
    }
    body += ' }';
    if (node.wildcard !== null) body += tableCode(node.wildcard, 'bounds[depth] = pos; bounds[depth + 1] = length;');
    functions.push(`function ${name}(path, pos, method, bounds, depth, reached) { ${body}\n return null; }`);
    return name;
  }

  const first = emit(root);
  const source = `'use strict';
    ${tables.map((_, i) => `const t${i} = tables[${i}];`).join(' ')}
    ${constraints.map((_, i) => `const r${i} = constraints[${i}];`).join(' ')}
    ${functions.join('\n')}
    return function compiledWalk(path, method, bounds, reached) { return ${first}(path, 0, method, bounds, 0, reached); };`;
  try {
    // Generated on purpose (see the module comment); only char codes, JSON strings and indexes go in.
    return new Function('tables', 'constraints', 'pick', 'settle', source)(tables, constraints, helpers.pick, helpers.settle) as CompiledWalk<T>;
  } catch {
    return null;
  }
}
