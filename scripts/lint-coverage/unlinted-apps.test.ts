/**
 * Every app a socket-level test serves runs under lint() (STYLE.md's habit), or says on
 * the line why not. The checker reads packages/<name>/test/**, examples/*.test.ts and
 * scripts/conformance/, so a new test file is covered by being there.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { unlintedApps, type SourceText } from './unlinted-apps.js';

const ROOT = path.resolve(__dirname, '../..');

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) found.push(...filesUnder(full, keep));
    else if (keep(name)) found.push(full);
  }
  return found;
}

function socketTestSources(): SourceText[] {
  const packages = path.join(ROOT, 'packages');
  const files = readdirSync(packages)
    .map((name) => path.join(packages, name, 'test'))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true)
    .flatMap((dir) => filesUnder(dir, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts')));
  const examples = path.join(ROOT, 'examples');
  files.push(...readdirSync(examples).filter((name) => name.endsWith('.test.ts')).map((name) => path.join(examples, name)));
  // The response conformance table serves its apps through every output.
  files.push(...filesUnder(path.join(ROOT, 'scripts', 'conformance'), (name) => name.endsWith('.test.ts')));
  return files.map((file) => ({ path: path.relative(ROOT, file), text: readFileSync(file, 'utf8') }));
}

test('every app served by a socket-level test is under lint() or says why not', () => {
  const sources = socketTestSources();
  // The walk found the test folders: a moved tree must not make this pass by finding nothing.
  expect(sources.map((s) => s.path)).toEqual(expect.arrayContaining(['packages/server/test/helpers.ts', 'examples/guide.test.ts', 'scripts/conformance/response-conformance.test.ts']));
  const problems = unlintedApps(sources).map((p) => `${p.path}:${p.line} ${p.call}(${p.app.split('\n')[0]}): wrap the app in lint() or add a comment "unlinted: <why>"`);
  expect(problems).toEqual([]);
});

describe('the checker', () => {
  const check = (text: string): string[] => unlintedApps([{ path: 'x.test.ts', text }]).map((p) => `${p.line} ${p.call} ${p.app}`);

  test('finds a served app without lint', () => {
    expect(check('await serve(app, { port: 0 });')).toEqual(['1 serve app']);
    expect(check("createServer(toNodeListener(compose(gzip())(app)));")).toEqual(['1 toNodeListener compose(gzip())(app)']);
  });

  test('accepts lint() around the app, directly or through a const', () => {
    expect(check('await serve(lint(app), { port: 0 });')).toEqual([]);
    expect(check('const linted = lint(gzip()(app));\nawait serve(linted);')).toEqual([]);
    expect(check('const a = lint(app);\nconst b = a;\nserve(flag ? a : b);')).toEqual([]);
  });

  test('lint() must be outermost: lint inside another layer does not count', () => {
    expect(check('serve(gzip()(lint(app)));')).toEqual(['1 serve gzip()(lint(app))']);
  });

  test('a let may be rebound after it was checked', () => {
    expect(check('let app = lint(inner);\napp = inner;\nserve(app);')).toEqual(['3 serve app']);
  });

  test('a helper that forwards its parameter is checked at its call sites, across files', () => {
    const helpers = 'export async function startServer(app: Application) {\n  return serve(app, { port: 0 });\n}';
    const user = "const wrap = (a: Application) => startServer(a);\nawait startServer(lint(ok));\nawait wrap(broken);";
    const found = unlintedApps([
      { path: 'helpers.ts', text: helpers },
      { path: 'user.test.ts', text: user },
    ]);
    expect(found).toEqual([{ path: 'user.test.ts', line: 3, call: 'wrap', app: 'broken' }]);
  });

  test('a helper that is not exported counts only in its own file', () => {
    const found = unlintedApps([
      { path: 'a.test.ts', text: 'const start = (app: Application) => serve(app);\nstart(one);' },
      { path: 'b.test.ts', text: 'const start = (app: Application) => serve(lint(app));\nstart(two);' },
    ]);
    expect(found).toEqual([{ path: 'a.test.ts', line: 2, call: 'start', app: 'one' }]);
  });

  test('an anonymous callback parameter is not a helper: nobody checks its callers', () => {
    expect(check('apps.forEach((app) => serve(app));')).toEqual(['1 serve app']);
  });

  test('a comment "unlinted: why" on the line or above the statement exempts the call', () => {
    expect(check('// unlinted: sends a broken status on purpose\nawait serve(app);')).toEqual([]);
    expect(check('await serve(app); // unlinted: the gateway must cut this body')).toEqual([]);
    expect(check('const s = await serve(\n  app, // unlinted: tests the 500 path\n);')).toEqual([]);
  });

  test('the comment must say why, and only exempts its own statement', () => {
    expect(check('// unlinted:\nawait serve(app);')).toEqual(['2 serve app']);
    expect(check('// unlinted: broken on purpose\nawait serve(a);\nawait serve(b);')).toEqual(['3 serve b']);
  });
});
