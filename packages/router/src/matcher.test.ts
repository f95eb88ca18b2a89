import fc from 'fast-check';
import { allowOf } from './allow.js';
import { Matcher, type Table } from './matcher.js';

function build(routes: Array<[string, string]>): Matcher<string> {
  const m = new Matcher<string>();
  for (const [method, pattern] of routes) m.add(method, pattern, `${method} ${pattern}`);
  return m;
}

function lookup(m: Matcher<string>, method: string, path: string) {
  const match = m.find(method, path);
  if (!match) return null;
  const params: Record<string, string> = {};
  match.route.names.forEach((name, i) => (params[name] = match.params[i]!));
  return { value: match.route.value, params };
}

test('static, param and wildcard routes match with their params, raw', () => {
  const m = build([
    ['GET', '/'],
    ['GET', '/users'],
    ['GET', '/users/:id'],
    ['GET', '/users/:id/posts/:post'],
    ['GET', '/files/*path'],
    ['GET', '/caf\u00e9'],
  ]);
  expect(lookup(m, 'GET', '/')).toEqual({ value: 'GET /', params: {} });
  expect(lookup(m, 'GET', '/users')).toEqual({ value: 'GET /users', params: {} });
  expect(lookup(m, 'GET', '/users/42')).toEqual({ value: 'GET /users/:id', params: { id: '42' } });
  expect(lookup(m, 'GET', '/users/42/posts/7')?.params).toEqual({ id: '42', post: '7' });
  expect(lookup(m, 'GET', '/files/a/b/c.txt')?.params).toEqual({ path: 'a/b/c.txt' });
  expect(lookup(m, 'GET', '/files/')?.params).toEqual({ path: '' });
  // Patterns are written decoded; PATH_INFO holds UTF-8 bytes as latin-1.
  expect(lookup(m, 'GET', '/caf\u00c3\u00a9')?.value).toBe('GET /caf\u00e9');
  expect(lookup(m, 'GET', '/users/')).toBeNull(); // a param is never empty
  expect(lookup(m, 'GET', '/files')).toBeNull();
  expect(lookup(m, 'GET', '/user')).toBeNull();
  expect(lookup(m, 'GET', '/usersx')).toBeNull();
});

test('precedence: static beats param beats wildcard, with backtracking', () => {
  const m = build([
    ['GET', '/users/new'],
    ['GET', '/users/:id'],
    ['GET', '/users/:id/edit'],
    ['GET', '/users/*rest'],
  ]);
  expect(lookup(m, 'GET', '/users/new')?.value).toBe('GET /users/new');
  expect(lookup(m, 'GET', '/users/7')?.value).toBe('GET /users/:id');
  // 'new' is static, but only the param branch continues with /edit.
  expect(lookup(m, 'GET', '/users/new/edit')).toEqual({ value: 'GET /users/:id/edit', params: { id: 'new' } });
  expect(lookup(m, 'GET', '/users/new/other')).toEqual({ value: 'GET /users/*rest', params: { rest: 'new/other' } });
});

test('constraints are tried before plain params, in the order added', () => {
  const m = build([
    ['GET', '/items/:slug'],
    ['GET', '/items/:id(\\d+)'],
    ['GET', '/items/:hex([0-9a-f]{8})'],
  ]);
  expect(lookup(m, 'GET', '/items/123')).toEqual({ value: 'GET /items/:id(\\d+)', params: { id: '123' } });
  expect(lookup(m, 'GET', '/items/deadbeef')?.params).toEqual({ hex: 'deadbeef' });
  expect(lookup(m, 'GET', '/items/12a')?.params).toEqual({ slug: '12a' });
});

test('methods: exact, then HEAD by GET, then any; other methods do not match', () => {
  const m = build([
    ['GET', '/a'],
    ['POST', '/a'],
    ['*', '/any'],
    ['HEAD', '/h'],
    ['GET', '/h'],
  ]);
  expect(lookup(m, 'HEAD', '/a')?.value).toBe('GET /a');
  expect(lookup(m, 'HEAD', '/h')?.value).toBe('HEAD /h');
  expect(lookup(m, 'DELETE', '/a')).toBeNull();
  expect(lookup(m, 'BREW', '/any')?.value).toBe('* /any');
  // Methods that are Object.prototype keys find nothing, and do not crash.
  expect(lookup(m, 'constructor', '/a')).toBeNull();
  expect(lookup(m, '__proto__', '/a')).toBeNull();
  expect([...m.allowed('/a')].sort()).toEqual(['GET', 'POST']);
  expect(m.allowed('/nothing').size).toBe(0);
});

test('a method falls through to a less specific route that has it, and allowed() unions them', () => {
  const m = build([
    ['GET', '/users/new'],
    ['DELETE', '/users/:id'],
  ]);
  expect(lookup(m, 'DELETE', '/users/new')?.value).toBe('DELETE /users/:id');
  expect([...m.allowed('/users/new')].sort()).toEqual(['DELETE', 'GET']);
});

test('bad patterns and duplicates throw', () => {
  const m = new Matcher<string>();
  expect(() => m.add('GET', 'users', 'x')).toThrow(TypeError);
  expect(() => m.add('GET', '/a/*rest/more', 'x')).toThrow(/last segment/);
  expect(() => m.add('GET', '/a/:id(\\d+', 'x')).toThrow(/unclosed/);
  expect(() => m.add('GET', '/a/:id([)', 'x')).toThrow(/bad constraint/);
  expect(() => m.add('GET', '/a/:id/:id', 'x')).toThrow(/twice/);
  expect(() => m.add('GET', '/a/:1x', 'x')).toThrow(/parameter name/);
  m.add('GET', '/u/:id', 'x');
  expect(() => m.add('GET', '/u/:name', 'y')).toThrow(/conflicts/);
  // ':' and '*' inside a segment are literal.
  m.add('POST', '/v1/items:batch', 'batch');
  expect(m.find('POST', '/v1/items:batch')?.route.value).toBe('batch');
});

test('radix splits keep every route reachable (shared prefixes)', () => {
  const m = build([
    ['GET', '/search'],
    ['GET', '/se'],
    ['GET', '/sea/:x'],
    ['GET', '/s'],
    ['GET', '/searches'],
  ]);
  for (const path of ['/search', '/se', '/s', '/searches']) expect(lookup(m, 'GET', path)?.value).toBe(`GET ${path}`);
  expect(lookup(m, 'GET', '/sea/1')?.params).toEqual({ x: '1' });
  expect(lookup(m, 'GET', '/sear')).toBeNull();
});

// A naive reference: among the routes that match, the one whose segments rank lowest
// (static 0 < param 1 < wildcard 2, compared left to right), exact method, then GET
// for HEAD, then any.
type Seg = { kind: 0 | 1 | 2; text: string };
function naive(routes: Array<[string, Seg[]]>, method: string, path: string): string | null {
  const parts = path.split('/').slice(1);
  let best: { rank: number[]; id: string } | null = null;
  for (const [m, segs] of routes) {
    if (m !== method && m !== '*' && !(method === 'HEAD' && m === 'GET')) continue;
    const rank: number[] = [];
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const seg = segs[i]!;
      rank.push(seg.kind);
      if (seg.kind === 2) break;
      if (i >= parts.length) ok = false;
      else if (seg.kind === 0) ok = parts[i] === seg.text;
      else ok = parts[i] !== '';
    }
    const last = segs[segs.length - 1]!;
    if (ok && last.kind !== 2) ok = segs.length === parts.length;
    if (ok && last.kind === 2) ok = parts.length >= segs.length;
    if (!ok) continue;
    rank.push(m === method ? 0 : m === '*' ? 2 : 1);
    if (!best || compare(rank, best.rank) < 0) best = { rank, id: `${m} ${render(segs)}` };
  }
  return best?.id ?? null;
}
/** A table of every method some route of `routes` answers at `path` (naive's matching). */
function naiveTable(routes: Array<[string, Seg[]]>, path: string): Table<string> {
  const methods = new Map<string, never>();
  for (const [method, segs] of routes) if (naive([[method, segs]], method, path) !== null) methods.set(method, undefined as never);
  return Object.assign(methods, { everywhere: () => null, allow: null }) as unknown as Table<string>;
}
const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};
const render = (segs: Seg[]) =>
  '/' + segs.map((s, i) => (s.kind === 0 ? s.text : s.kind === 1 ? `:p${i}` : `*w`)).join('/');

/** A pattern of `render`'s with its params and wildcard filled in, in order. */
function fill(pattern: string, params: readonly string[]): string {
  let i = 0;
  return pattern.replace(/:p\d+|\*w$/g, () => params[i++]!);
}

// The matcher against a naive ranked scan, for routes and paths made up by fast-check.
function agreesWithNaiveScan(): void {
  const word = fc.constantFrom('a', 'b', 'ab', 'abc', 'users', 'user', 'new');
  const seg = fc.oneof(
    { weight: 3, arbitrary: word.map((text): Seg => ({ kind: 0, text })) },
    { weight: 2, arbitrary: fc.constant<Seg>({ kind: 1, text: '' }) },
  );
  const route = fc.tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', '*'),
    fc.array(seg, { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  ).map(([m, segs, wild]): [string, Seg[]] => [m, wild ? [...segs, { kind: 2, text: '' }] : segs]);
  const pathArb = fc.array(fc.oneof(word, fc.constantFrom('x', '')), { minLength: 1, maxLength: 5 });
  fc.assert(
    fc.property(fc.array(route, { maxLength: 12 }), fc.array(pathArb, { minLength: 1, maxLength: 10 }), (routes, paths) => {
      const m = new Matcher<string>();
      const kept: Array<[string, Seg[]]> = [];
      for (const [method, segs] of routes) {
        try {
          m.add(method, render(segs), `${method} ${render(segs)}`);
          kept.push([method, segs]);
        } catch {
          // same shape twice: the matcher refuses it, the reference never sees it
        }
      }
      for (const parts of paths) {
        const path = '/' + parts.join('/');
        for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH']) {
          const reached: Array<Table<string>> = [];
          const match = m.find(method, path, reached);
          expect(match?.route.value ?? null).toBe(naive(kept, method, path));
          if (match === null) {
            // A miss gives the Allow of every table a separate collecting walk finds,
            // whether it walked to all of them or one table knew their methods.
            const all = m.tablesAt(path);
            expect(reached.length === 0).toBe(all.length === 0);
            if (all.length !== 0) expect(allowOf(reached)).toBe(allowOf(all));
            if (all.length !== 0) expect(allowOf(all)).toBe(allowOf([naiveTable(kept, path)]));
          } else {
            // The params put back into the pattern give the path again.
            expect(fill(match.route.pattern, match.params)).toBe(path);
          }
        }
      }
    }),
    { numRuns: 300 },
  );
}

test('property: the radix tree picks the same route as a naive ranked scan; a miss gives the Allow of what tablesAt finds', () => {
  agreesWithNaiveScan();
});

test('property: where code generation is refused (Workers, CSP), the walk the matcher does itself agrees the same', () => {
  const original = globalThis.Function;
  let refused = 0;
  // What a runtime without eval does: `new Function(...)` throws (compiled-walk.ts falls back).
  globalThis.Function = function refuse() {
    refused++;
    throw new EvalError('Code generation from strings disallowed for this context');
  } as unknown as FunctionConstructor;
  try {
    agreesWithNaiveScan();
  } finally {
    globalThis.Function = original;
  }
  expect(refused).toBeGreaterThan(0);
});

test('a static path missed for its method is a 405 from its own table, whose Allow follows patterns added later', () => {
  const m = new Matcher<string>();
  m.add('GET', '/users/new', 'form');
  m.add('POST', '/posts/:id', 'post');
  const reached: Array<Table<string>> = [];
  expect(m.find('POST', '/users/new', reached)).toBeNull();
  expect(reached).toEqual(m.tablesAt('/users/new'));
  expect(allowOf(reached)).toBe('GET, HEAD, OPTIONS');
  m.add('DELETE', '/users/:id', 'remove');
  expect(m.find('DELETE', '/users/new')?.route.value).toBe('remove');
  const again: Array<Table<string>> = [];
  expect(m.find('POST', '/users/new', again)).toBeNull();
  // `/users/:id` answers every path `/users/new` does: the static table knows both.
  expect(again).toEqual([m.tablesAt('/users/new')[0]]);
  expect(allowOf(again)).toBe('GET, HEAD, DELETE, OPTIONS');
  m.add('PUT', '/users/:id', 'replace');
  expect(m.find('PUT', '/users/new')?.route.value).toBe('replace');
  const third: Array<Table<string>> = [];
  expect(m.find('POST', '/users/new', third)).toBeNull();
  expect(allowOf(third)).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
});

test('a 405 stops at the first table when every pattern that may answer its paths answers them all', () => {
  const m = new Matcher<string>();
  m.add('GET', '/repos/:owner/:repo/issues', 'issues');
  m.add('GET', '/repos/:owner/:repo/:format/:ref', 'archive');
  m.add('GET', '/repos/:owner/:repo/issues/events', 'events');
  m.add('POST', '/repos/:owner/:repo/issues/:number', 'comment');
  m.add('DELETE', '/repos/:owner/:repo/:id(\\d+)/x', 'numbered');
  const [issues, archive, events, comment] = ['/repos/o/r/issues', '/repos/o/r/zip/main', '/repos/o/r/issues/events', '/repos/o/r/issues/7'].map(
    (path) => {
      const reached: Array<Table<string>> = [];
      expect(m.find('DELETE', path, reached)).toBeNull();
      return reached;
    },
  );
  // Alone: no other pattern answers `/repos/:owner/:repo/issues`.
  expect(issues).toEqual(m.tablesAt('/repos/o/r/issues'));
  expect(allowOf(issues!)).toBe('GET, HEAD, OPTIONS');
  // `:format/:ref` is covered by no other, but `issues/:number` may share its paths: a full walk.
  expect(archive).toEqual(m.tablesAt('/repos/o/r/zip/main'));
  // `issues/events` is answered by `:format/:ref` and `issues/:number` at all its paths: one table.
  expect(events).toHaveLength(1);
  expect(m.tablesAt('/repos/o/r/issues/events')).toHaveLength(3);
  expect(allowOf(events!)).toBe('GET, HEAD, POST, OPTIONS');
  // `issues/events` answers some of the paths of `issues/:number`, not all: a full walk.
  expect(comment).toEqual(m.tablesAt('/repos/o/r/issues/7'));
  expect(allowOf(comment!)).toBe('GET, HEAD, POST, OPTIONS');
  // The method one of them has is still found, past the table that lacks it.
  expect(m.find('POST', '/repos/o/r/issues/events')?.route.value).toBe('comment');
  expect(m.find('HEAD', '/repos/o/r/issues/7')?.route.value).toBe('archive');
});
