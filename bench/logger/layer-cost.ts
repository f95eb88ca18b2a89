/**
 * Instructions per request of the access log layer alone (bench/logger/layer.ts),
 * counted by callgrind on the main thread, node `--single-threaded` with fixed seeds:
 *
 *   npx tsx bench/logger/layer-cost.ts [bare log log-sync log-async] [--low 20000] [--high 60000] [--bundle file.mjs]
 *
 * Each variant runs at `--low` and `--high` requests after the same warm-up; the
 * difference over (high - low) is its cost per request. `log` minus `bare` is what
 * accessLog() adds to a hello request. `--bundle` runs a layer.mjs built earlier (from
 * the code before a change) instead of building one, for a before/after pair.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from '../cost/build.js';

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const value = args[at + 1]!;
  args.splice(at, 2);
  return value;
}
const low = Number(option('--low', '20000'));
const high = Number(option('--high', '60000'));
const dir = join(CACHE, 'logger-layer');
mkdirSync(dir, { recursive: true });
let bundle = option('--bundle', '');
if (bundle === '') {
  bundle = join(dir, 'layer.mjs');
  execFileSync('npx', ['esbuild', 'bench/logger/layer.ts', '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`,
    '--tsconfig=tsconfig.json', '--log-level=warning'], { stdio: 'inherit' });
}
const variants = args.length > 0 ? args : ['bare', 'log', 'log-sync', 'log-async'];

async function mainThread(variant: string, count: number): Promise<number> {
  const prefix = `cgl.${process.pid}.${variant}.${count}`;
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/${prefix}`,
    'node', '--single-threaded', '--random-seed=1', '--hash-seed=1', bundle, variant, String(count)], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  const file = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('-01'))!;
  const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1]);
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(join(dir, f));
  return total;
}

const costs = new Map<string, number>();
for (const variant of variants) {
  const [a, b] = await Promise.all([mainThread(variant, low), mainThread(variant, high)]);
  costs.set(variant, (b - a) / (high - low));
  console.log(`${variant.padEnd(10)} ${Math.round(costs.get(variant)!).toLocaleString('en').padStart(7)} Ir/request`);
}
const bare = costs.get('bare');
if (bare !== undefined) for (const [variant, cost] of costs) if (variant !== 'bare') console.log(`${variant} - bare: ${Math.round(cost - bare).toLocaleString('en')} Ir/request`);
console.log(`callgrind, main thread, ${bundle}, (${high} - ${low} requests)`);
