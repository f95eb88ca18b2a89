#!/usr/bin/env node
/* global process, URL */
// The `tsgi` command. Installed from a package, it runs the built CLI (dist/esm/cli.js).
// Inside the tsgi repository it runs the sources through tsx (a dev dependency there),
// so `pnpm exec tsgi` works right after `pnpm install` and never runs a stale build.
// The bin is this small committed file, not dist/cli.js, so that package managers can
// link it before anything is built.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `tsgi --version` says the version of the package this bin came with.
globalThis[Symbol.for('tsgi.version')] = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

const built = new URL('../dist/esm/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);
// packages/cli/tsconfig.json is not in the published package: only a clone has it.
const inRepository =
  existsSync(new URL('../tsconfig.json', import.meta.url)) && existsSync(new URL('../../../pnpm-workspace.yaml', import.meta.url));

if (inRepository && existsSync(source)) {
  // The repository's tsconfig maps @tsgi/* to the packages' sources, from any cwd.
  process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
  await import('tsx'); // registers tsx's hooks, as `node --import tsx` does
  await import(source.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write('tsgi: error: @tsgi/cli is not built (no dist/esm/cli.js): reinstall the package\n');
  process.exit(1);
}
