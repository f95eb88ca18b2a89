/**
 * No import circles inside the packages listed below: a file that must import the
 * file that imports it is two concerns tangled, and the way out is an interface the
 * inner one reports to (core's `StepObserver`, which observed-body.ts reports each
 * step to) or a types-only module (gzip's content-encoder.ts). Type-only
 * imports count too: they tie the files together for a reader all the same.
 *
 * A package joins `ACYCLIC` once its own circles are gone (router, server and static
 * still have one each).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './publish/packages.js';

const ACYCLIC = ['gzip', 'logger'];
const PACKAGES = join(ROOT, 'packages');

/** The relative imports of each file (`./x.js` taken as `./x.ts`), keyed by path. */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [path, text] of files) {
    const { importedFiles } = ts.preProcessFile(text, true, false);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => normalize(join(dirname(path), name.replace(/\.js$/, '.ts'))))
      .filter((target) => files.has(target));
    graph.set(path, targets);
  }
  return graph;
}

/** Each circle as the sorted files on it (Tarjan's strongly connected components of size > 1). */
function importCycles(files: Map<string, string>): string[][] {
  const graph = importGraph(files);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node)!) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** A package's sources (tests left out: they import what they test, never the reverse). */
function sources(pkg: string): Map<string, string> {
  const src = join(PACKAGES, pkg, 'src');
  const files = new Map<string, string>();
  for (const name of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.set(join(src, name), readFileSync(join(src, name), 'utf8'));
  }
  return files;
}

test('importCycles finds a circle through a type-only import, and nothing in a chain', () => {
  const circle = new Map([
    ['/p/a.ts', "import { b } from './b.js';"],
    ['/p/b.ts', "import type { C } from './c.js';"],
    ['/p/c.ts', "import type { A } from './a.js';\nimport { x } from '@tsgi/core';"],
    ['/p/d.ts', "import { a } from './a.js';"],
  ]);
  expect(importCycles(circle)).toEqual([['/p/a.ts', '/p/b.ts', '/p/c.ts']]);
  const chain = new Map([
    ['/p/a.ts', "import { b } from './b.js';"],
    ['/p/b.ts', "export { c } from './c.js';"],
    ['/p/c.ts', '// import { a } from "./a.js" (a comment, not an import)'],
  ]);
  expect(importCycles(chain)).toEqual([]);
});

test.each(ACYCLIC)('packages/%s/src has no import circle', (pkg) => {
  const files = sources(pkg);
  expect(files.size).toBeGreaterThan(3);
  const cycles = importCycles(files).map((cycle) => cycle.map((path) => relative(PACKAGES, path)));
  expect(cycles).toEqual([]);
});
