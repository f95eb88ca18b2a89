/**
 * `pnpm build` (and each package's `prepack`): builds every package twice, the way it
 * is published.
 *
 * - `dist/esm/`: `tsc -b` over each package's tsconfig.json (project references keep
 *   the order), ES modules with `.d.ts`, declaration maps and source maps into `src/`.
 * - `dist/cjs/`: the same sources as CommonJS, transpiled file by file by esbuild (the
 *   sources are `isolatedModules`-clean, so no type information is needed), with the
 *   `.d.ts` files copied beside them and a `package.json` saying `"type": "commonjs"`,
 *   so Node and TypeScript (`node16`) read both the code and its types as CommonJS.
 *   esbuild keeps `import()` as it is, so the CommonJS build still loads ES modules.
 *
 * With no arguments it builds every `packages/*`; with package folders (or `.` from a
 * package's `prepack`) only those, and what they reference.
 *
 * @example
 * // $ tsx scripts/publish/build.ts               # every package
 * // $ node --import tsx ../../scripts/publish/build.ts .   # prepack in packages/gzip
 *
 * @see https://nodejs.org/api/packages.html#dual-commonjses-module-packages
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROOT, workspacePackages } from './packages.js';

const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');

/** Every non-test `.ts` file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Writes `dir/dist/cjs`: CommonJS code, source maps into src/, and the tsc declarations. */
export async function buildCommonJs(dir: string): Promise<void> {
  const esm = path.join(dir, 'dist/esm');
  const cjs = path.join(dir, 'dist/cjs');
  if (!existsSync(esm)) throw new Error(`${esm} is missing: run tsc -b ${dir} first`);
  rmSync(cjs, { recursive: true, force: true });
  await build({
    entryPoints: sources(path.join(dir, 'src')),
    outdir: cjs,
    outbase: path.join(dir, 'src'),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  // The declarations are the same text; the package.json below makes TypeScript read
  // them as CommonJS, which is what `require` gets.
  cpSync(esm, cjs, {
    recursive: true,
    filter: (from) => !from.endsWith('.js') && !from.endsWith('.js.map'),
  });
  writeFileSync(path.join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
}

/** Builds the given package folders (all of `packages/*` when none are given). */
export async function buildPackages(dirs: readonly string[]): Promise<void> {
  const targets = dirs.length > 0 ? dirs.map((d) => path.resolve(d)) : workspacePackages().map((p) => p.dir);
  execFileSync(process.execPath, [TSC, '-b', ...targets.map((d) => path.join(d, 'tsconfig.json'))], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  for (const dir of targets) {
    mkdirSync(path.join(dir, 'dist'), { recursive: true });
    await buildCommonJs(dir);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildPackages(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`build: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
