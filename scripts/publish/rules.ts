/**
 * The publishing rules every `packages/*` manifest keeps, as one function per view:
 * `manifestProblems` reads a package folder in the repository (run by jest on every
 * package, no build needed), `tarballProblems` reads what `pnpm pack` put in a
 * tarball (run by scripts/publish/verify.ts after a build). Each problem is a sentence
 * naming the package, the value seen and what to write instead, so a new package that
 * is not in line fails loudly and says how to fix it.
 *
 * @example
 * for (const pkg of workspacePackages()) console.log(manifestProblems(pkg, repositoryFacts()));
 *
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/package-json
 * @see https://nodejs.org/api/packages.html#conditional-exports
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, type Manifest, type WorkspacePackage } from './packages.js';

/** The Node versions every package declares and the test command runs on. */
export const ENGINES = '>=20.19';
/** What a package's `prepack` runs, so a tarball always holds a fresh build. */
export const PREPACK = 'node --import tsx ../../scripts/publish/build.ts .';

/** The condition objects `exports['.']` must hold, in this order, `types` first in each. */
export const ENTRY = {
  import: { types: './dist/esm/index.d.ts', default: './dist/esm/index.js' },
  require: { types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' },
} as const;

/** Facts from the repository root that manifests are checked against. */
export interface RepositoryFacts {
  repositoryUrl: string;
  buildReferences: string[];
  rootReadme: string;
}

export function repositoryFacts(root = ROOT): RepositoryFacts {
  const rootManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository?: { url?: string } };
  // tsconfig.build.json has comments: keep only the reference paths.
  const build = readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8');
  return {
    repositoryUrl: rootManifest.repository?.url ?? '',
    buildReferences: [...build.matchAll(/"path":\s*"([^"]+)"/g)].map((m) => m[1]!),
    rootReadme: readFileSync(path.join(root, 'README.md'), 'utf8'),
  };
}

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** The rules on package.json alone, shared by the repository and the tarball views. */
function fieldProblems(m: Manifest, folder: string, facts: RepositoryFacts): string[] {
  const out: string[] = [];
  const say = (field: string, want: string): void => void out.push(`${m.name ?? folder}: ${field} is ${show(m[field])}; ${want}`);
  if (m.name !== `@tsgi/${folder}`) say('name', `it must be "@tsgi/${folder}" (the folder's name)`);
  if (typeof m.version !== 'string' || !SEMVER.test(m.version)) say('version', 'it must be a semver version such as "0.1.0"');
  if (m.private === true) say('private', 'a package under packages/ is published: remove "private"');
  if (m.license !== 'MIT') say('license', 'it must be "MIT" (LICENSE beside it)');
  const repo = m.repository as { url?: string; directory?: string } | undefined;
  if (repo?.url !== facts.repositoryUrl || repo?.directory !== `packages/${folder}`) {
    say('repository', `it must be { "type": "git", "url": ${show(facts.repositoryUrl)}, "directory": "packages/${folder}" }`);
  }
  if (m.type !== 'module') say('type', 'it must be "module" (dist/esm is ES modules; dist/cjs has its own package.json)');
  if (typeof m.sideEffects !== 'boolean' && !Array.isArray(m.sideEffects)) say('sideEffects', 'say false (or list the files that have side effects)');
  if ((m.engines as { node?: string } | undefined)?.node !== ENGINES) say('engines', `it must be { "node": "${ENGINES}" }, the versions the tests run on`);
  const exportsField = m.exports as Record<string, unknown> | undefined;
  if (JSON.stringify(exportsField?.['.']) !== JSON.stringify(ENTRY)) {
    out.push(`${m.name}: exports["."] is ${show(exportsField?.['.'])}; it must be ${JSON.stringify(ENTRY)} (types first in each condition)`);
  }
  for (const [subpath, target] of Object.entries(exportsField ?? {})) {
    if (subpath === '.' || subpath === './package.json') continue;
    const conditions = target !== null && typeof target === 'object' ? Object.values(target as object) : [];
    const keys = conditions.flatMap((c) => (c !== null && typeof c === 'object' ? [Object.keys(c)] : []));
    if (keys.length !== 2 || keys.some((k) => k[0] !== 'types')) {
      out.push(`${m.name}: exports["${subpath}"] must have import and require conditions, each with "types" first, like exports["."]`);
    }
  }
  if (m.main !== ENTRY.require.default) say('main', `it must be "${ENTRY.require.default}" (old resolvers read main)`);
  if (m.types !== ENTRY.require.types) say('types', `it must be "${ENTRY.require.types}" (TypeScript's node10 resolution reads it)`);
  const files = (m.files as string[] | undefined) ?? [];
  for (const want of ['dist/esm', 'dist/cjs', 'CHANGELOG.md']) if (!files.includes(want)) say('files', `it must list "${want}"`);
  if (files.includes('src') && !files.includes('!src/**/*.test.ts')) say('files', 'with "src" it must list "!src/**/*.test.ts" (no tests in the tarball)');
  if (files.some((f) => f === 'dist' || f === 'test' || f.startsWith('test/'))) say('files', 'list dist/esm and dist/cjs, never "dist" (build info) or "test"');
  if ((m.publishConfig as { access?: string } | undefined)?.access !== 'public') say('publishConfig', 'it must be { "access": "public" } (scoped packages are private by default)');
  for (const field of ['dependencies', 'peerDependencies'] as const) {
    for (const [dep, range] of Object.entries((m[field] as Record<string, string> | undefined) ?? {})) {
      if (dep.startsWith('@tsgi/') && !/^(workspace:\^|\^\d+\.\d+\.\d+)$/.test(range)) {
        out.push(`${m.name}: ${field}["${dep}"] is ${show(range)}; use "workspace:^" (pnpm pack writes the version)`);
      }
    }
  }
  return out;
}

/** Every rule a package folder in the repository breaks; [] when it is in line. */
export function manifestProblems(pkg: WorkspacePackage, facts: RepositoryFacts): string[] {
  const { manifest: m, dir, folder } = pkg;
  const out = fieldProblems(m, folder, facts);
  const scripts = (m.scripts as Record<string, string> | undefined) ?? {};
  if (scripts.prepack !== PREPACK) out.push(`${m.name}: scripts.prepack is ${show(scripts.prepack)}; it must be "${PREPACK}" (a tarball always holds a build)`);
  for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'tsconfig.json', 'src/index.ts']) {
    if (!existsSync(path.join(dir, file))) out.push(`${m.name}: packages/${folder}/${file} is missing`);
  }
  for (const target of Object.values((m.bin as Record<string, string> | undefined) ?? {})) {
    // A bin must exist before any build, or `pnpm install` warns it cannot link it.
    if (!existsSync(path.join(dir, target))) out.push(`${m.name}: bin ${target} is not a committed file; point bin at one`);
  }
  const readme = existsSync(path.join(dir, 'README.md')) ? readFileSync(path.join(dir, 'README.md'), 'utf8') : '';
  for (const link of readme.matchAll(/\]\((?!https?:|#|mailto:)([^)]+)\)/g)) {
    out.push(`${m.name}: README links ${show(link[1])}, dead on npm; link the repository URL instead`);
  }
  if (!readme.includes(`npm install ${m.name}`)) out.push(`${m.name}: README has no "npm install ${m.name}" line`);
  if (!facts.buildReferences.includes(`packages/${folder}`)) out.push(`${m.name}: tsconfig.build.json does not reference packages/${folder}`);
  if (!facts.rootReadme.includes(`\`${m.name}\``)) out.push(`${m.name}: the root README's package table does not list it`);
  return out;
}

/** Every rule a packed tarball breaks, given its manifest (as packed) and its file list. */
/** The file paths an `exports` map points at (its leaf strings; subpath keys are not files). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.values(exports).flatMap(exportTargets);
}

export function tarballProblems(m: Manifest, files: readonly string[], readText: (file: string) => string, facts: RepositoryFacts): string[] {
  const folder = m.name.replace(/^@tsgi\//, '');
  const out = fieldProblems(m, folder, facts);
  const shipped = new Set(files);
  const has = (target: string): boolean => shipped.has(path.posix.normalize(target));
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cjs/package.json']) {
    if (!shipped.has(file)) out.push(`${m.name}: the tarball has no ${file}`);
  }
  for (const target of exportTargets(m.exports)) {
    if (!target.startsWith('./') || target.includes('*')) continue;
    if (!has(target)) out.push(`${m.name}: exports target ${target} is not in the tarball`);
  }
  for (const target of [m.main, m.types, ...Object.values((m.bin as Record<string, string> | undefined) ?? {})]) {
    if (typeof target === 'string' && !has(target)) out.push(`${m.name}: ${target} (main/types/bin) is not in the tarball`);
  }
  for (const file of files) {
    if (/(^|\/)(test|__tests__)\/|\.test\.[cm]?[jt]s(\.map)?$|\.tsbuildinfo$/.test(file)) out.push(`${m.name}: the tarball ships ${file} (tests or build info)`);
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(readText(file)) as { sources?: string[] };
    for (const source of map.sources ?? []) {
      const resolved = path.posix.join(path.posix.dirname(file), source);
      if (!shipped.has(resolved)) out.push(`${m.name}: ${file} points at ${source}, which the tarball does not ship`);
    }
  }
  for (const format of ['esm', 'cjs']) {
    if (!files.some((f) => f.startsWith(`dist/${format}/`) && f.endsWith('.js'))) out.push(`${m.name}: the tarball has no dist/${format} code`);
  }
  return out;
}
