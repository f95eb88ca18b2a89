/**
 * Bundles bench/cost's programs with esbuild, so that starting them (under valgrind
 * above all) does not pay for a TypeScript loader. Code split: a target's `import()`
 * stays a chunk of its own, so the raw node server never loads tsgi (or ws) at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export const CACHE = 'node_modules/.cache/tsgi-cost';

/** Builds bench/cost/<name>.ts; returns the path of the entry to run with node. */
export function build(name: 'server' | 'stages' | 'socket-child'): string {
  const out = `${CACHE}/${name}`;
  mkdirSync(out, { recursive: true });
  execFileSync('npx', ['esbuild', `bench/cost/${name}.ts`, '--bundle', '--splitting', '--platform=node', '--format=esm',
    `--outdir=${out}`, '--out-extension:.js=.mjs', '--external:fastify', '--external:ws', '--tsconfig=tsconfig.json',
    '--log-level=warning',
    // CommonJS dependencies of the bench targets require() node's modules: give the ESM bundle a require.
    ...(name === 'socket-child' ? ["--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"] : [])],
    { stdio: 'inherit' });
  return `${out}/${name}.mjs`;
}
