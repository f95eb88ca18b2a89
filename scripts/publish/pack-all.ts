/**
 * `pnpm pack:all`: builds every package and packs each into one folder (`packs/` by
 * default), the tarballs a registry would serve, with `workspace:^` ranges written
 * as versions by pnpm. It then prints the one `npm install` that puts them into a
 * project outside the repository, until the packages are on npm.
 *
 * @example
 * // $ pnpm pack:all            # -> packs/tsgi-core-0.1.0.tgz ...
 * // $ pnpm pack:all /tmp/packs
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildPackages } from './build.js';
import { ROOT } from './packages.js';

/** One packed package. */
export interface Packed {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  file: string;
}

/** How to run pnpm: the pnpm running this script if any, else pnpm 10 through npx. */
export function pnpm(): [string, string[]] {
  const running = process.env.npm_execpath;
  if (running !== undefined && /pnpm/.test(running)) return [process.execPath, [running]];
  return ['npx', ['-y', 'pnpm@10']];
}

/** Builds, then packs every workspace package into `dest` (emptied first). */
export async function packAll(dest: string): Promise<Packed[]> {
  await buildPackages([]);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const [command, prefix] = pnpm();
  // The build above is what each package's prepack would run; running it again per
  // package (two at a time) would only race on the shared dist/ of core.
  const out = execFileSync(command, [...prefix, '-r', '--config.ignore-scripts=true', 'pack', '--pack-destination', dest, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const packed = JSON.parse(out) as Array<{ name: string; version: string; filename: string }>;
  return packed.map((p) => ({ name: p.name, version: p.version, file: path.resolve(dest, p.filename) }));
}

async function main(): Promise<void> {
  const dest = path.resolve(process.argv[2] ?? path.join(ROOT, 'packs'));
  const packed = await packAll(dest);
  process.stdout.write(`\npacked ${packed.map((p) => p.name).join(', ')} into ${dest}\n`);
  process.stdout.write(`in your project's folder: npm install ${path.join(dest, '*.tgz')}\n`);
}

if (process.argv[1] !== undefined && /pack-all\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`pack:all: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
