/**
 * Instructions per dispatch, tsgi `router()` against find-my-way's `lookup()`, by
 * request class, counted by callgrind (main thread; the same on a loaded machine as
 * on a quiet one, unlike dispatches per second):
 *
 *   npx tsx bench/router/cost.ts [class ...] [--low 10000] [--high 30000] [--side tsgi|fmw]
 *
 * cost-run.ts is bundled once (esbuild, CommonJS since find-my-way requires node: modules; @tsgi/* from sources) and run under callgrind
 * with `--low` and `--high` dispatches after the same warm-up, single-threaded with
 * fixed seeds; (high - low) / (high-count - low-count) is one dispatch. Requests are
 * taken in turn from the class (a `--low` and `--high` that are multiples of the class
 * size give whole passes; the defaults are close enough for the classes here).
 * `--keep` leaves the high run's dump for `callgrind_annotate`; `--base` runs a copy of the
 * bundle kept from before a change (router-dispatch-cost-base.cjs), for a before/after pair.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DISPATCH_CLASSES } from './dispatch.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1]!;
};
const low = Number(option('--low', '10000'));
const high = Number(option('--high', '30000'));
const sides = option('--side', 'tsgi,fmw').split(',');
const keep = args.includes('--keep');
// `--base`: run the bundle kept from before a change (cp router-dispatch-cost.cjs router-dispatch-cost-base.cjs), not rebuilt.
const base = args.includes('--base');
const chosen = args.filter((a, i) => !a.startsWith('--') && !['--low', '--high', '--side'].includes(args[i - 1]!));
const classes = chosen.length ? chosen : ['static', 'one param', 'three+ params', 'wildcard', '404', '405'];
for (const name of classes) if (!(name in DISPATCH_CLASSES)) throw new TypeError(`router cost: no class ${name}`);

const dir = 'node_modules/.cache/tsgi-cost';
mkdirSync(dir, { recursive: true });
const bundle = `${dir}/router-dispatch-cost${base ? '-base' : ''}.cjs`;
if (!base) execFileSync('npx', ['esbuild', 'bench/router/cost-run.ts', '--bundle', '--platform=node', '--format=cjs', `--outfile=${bundle}`,
  '--tsconfig=tsconfig.json', '--log-level=warning'], { stdio: 'inherit' });

async function mainThread(side: string, name: string, count: number): Promise<number> {
  const prefix = `cgr${base ? 'b' : ''}.${side}.${name.replace(/\W/g, '_')}.${count}`;
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/${prefix}`,
    'node', '--single-threaded', '--random-seed=1', '--hash-seed=1', bundle, side, name, String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`router cost: ${side} ${name} ${count} exited with ${String(code)}:\n${stderr.slice(-2000)}`);
  const file = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('-01'))!;
  const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1]);
  for (const f of readdirSync(dir)) if (f.startsWith(prefix) && !(keep && count === high)) rmSync(join(dir, f));
  return total;
}

async function perDispatch(side: string, name: string): Promise<number> {
  const [a, b] = [await mainThread(side, name, low), await mainThread(side, name, high)];
  return (b - a) / (high - low);
}

void (async () => {
  console.log(`callgrind, main thread, Ir per dispatch ((${high} - ${low}) dispatches)`);
  console.log(['class'.padEnd(14), ...sides.map((s) => s.padStart(8)), sides.length === 2 ? '  fmw/tsgi' : ''].join(' '));
  for (const name of classes) {
    const counts = await Promise.all(sides.map((side) => perDispatch(side, name)));
    const ratio = counts.length === 2 ? `  ${(counts[1]! / counts[0]!).toFixed(2)}x` : '';
    console.log([name.padEnd(14), ...counts.map((c) => Math.round(c).toLocaleString('en').padStart(8)), ratio].join(' '));
  }
})();
