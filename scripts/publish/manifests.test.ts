/**
 * Every packages/* folder against the publishing rules (scripts/publish/rules.ts), found
 * by listing the folder: a package added without the shape fails here by name. The
 * tarball side of the same rules runs after a build in scripts/publish/verify.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { workspacePackages, type WorkspacePackage } from './packages.js';
import { ENTRY, manifestProblems, repositoryFacts, tarballProblems } from './rules.js';

const facts = repositoryFacts();
const packages = workspacePackages();

test('the workspace has the packages the design names', () => {
  const names = packages.map((p) => p.name);
  for (const name of ['@tsgi/core', '@tsgi/server', '@tsgi/lint', '@tsgi/testing', '@tsgi/gzip']) expect(names).toContain(name);
});

test.each(packages.map((p) => [p.folder, p] as const))('packages/%s keeps the publishing rules', (_folder, pkg) => {
  expect(manifestProblems(pkg, facts)).toEqual([]);
});

describe('the rules catch what they say', () => {
  const good = packages.find((p) => p.folder === 'gzip')!;

  function variant(change: (m: Record<string, unknown>) => void, readme?: string): WorkspacePackage {
    const manifest = structuredClone(good.manifest);
    change(manifest);
    if (readme === undefined) return { ...good, manifest };
    // A copy of the folder's files would be the honest fixture; only the README differs.
    const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-rules-'));
    for (const file of ['LICENSE', 'CHANGELOG.md', 'tsconfig.json']) writeFileSync(path.join(dir, file), '');
    writeFileSync(path.join(dir, 'README.md'), readme);
    return { ...good, dir, manifest };
  }

  test.each([
    ['engines', (m: Record<string, unknown>) => (m.engines = { node: '>=20' }), /engines is \{"node":">=20"\}/],
    ['types not first', (m: Record<string, unknown>) => (m.exports = { '.': { import: { default: ENTRY.import.default, types: ENTRY.import.types }, require: ENTRY.require } }), /exports\["\."\]/],
    ['no prepack', (m: Record<string, unknown>) => (m.scripts = {}), /scripts\.prepack is nothing/],
    ['files: dist', (m: Record<string, unknown>) => (m.files = ['dist', 'dist/esm', 'dist/cjs', 'CHANGELOG.md']), /never "dist"/],
    ['no sideEffects', (m: Record<string, unknown>) => delete m.sideEffects, /sideEffects is nothing/],
    ['repository', (m: Record<string, unknown>) => (m.repository = 'tsgi/tsgi'), /repository is "tsgi\/tsgi"/],
    ['license', (m: Record<string, unknown>) => delete m.license, /license is nothing/],
    ['version', (m: Record<string, unknown>) => (m.version = 'next'), /version is "next"/],
    ['workspace range', (m: Record<string, unknown>) => (m.peerDependencies = { '@tsgi/core': '*' }), /peerDependencies\["@tsgi\/core"\] is "\*"/],
  ])('%s', (_name, change, message) => {
    const problems = manifestProblems(variant(change), facts);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('a README link that is dead on npm, and a README without an install line', () => {
    const problems = manifestProblems(variant(() => undefined, 'See [the guide](../../README.md).\n'), facts);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/README links "\.\.\/\.\.\/README\.md"/), expect.stringMatching(/no "npm install @tsgi\/gzip" line/)]),
    );
  });

  test('a tarball with a test file, a missing exports target and a map into unshipped sources', () => {
    const manifest = { ...good.manifest, dependencies: undefined, peerDependencies: { '@tsgi/core': '^0.1.0' } };
    const files = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cjs/package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts',
      'dist/esm/index.js.map', 'dist/cjs/index.js', 'dist/esm/gzip.test.js'];
    const maps: Record<string, string> = { 'dist/esm/index.js.map': '{"sources":["../../src/index.ts"]}' };
    const problems = tarballProblems(manifest, files, (file) => maps[file]!, facts);
    expect(problems).toEqual([
      '@tsgi/gzip: exports target ./dist/cjs/index.d.ts is not in the tarball',
      '@tsgi/gzip: ./dist/cjs/index.d.ts (main/types/bin) is not in the tarball',
      '@tsgi/gzip: dist/esm/index.js.map points at ../../src/index.ts, which the tarball does not ship',
      '@tsgi/gzip: the tarball ships dist/esm/gzip.test.js (tests or build info)',
    ]);
  });
});
