/**
 * Instructions per call of each stage of bench/cost/stages.ts, counted by callgrind
 * (main thread): `tsx bench/cost/measure-stages.ts [stage ...] [--low 20000] [--high 60000]`.
 * Each stage runs twice, `--low` and `--high` times after the same warm-up; the
 * difference over (high - low) leaves out start-up and the JIT's one-time work.
 * `--base` runs the bundle kept as stages-base.mjs instead, for a before/after pair.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const STAGES = ['gate', 'environ', 'start', 'walk', 'writer', 'write-tsgi', 'write-raw'];
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const low = option('--low', 20000);
const high = option('--high', 60000);
// `--base`: a copy of stages.mjs kept from before a change (cp stages.mjs stages-base.mjs), not rebuilt.
const bundle = args.includes('--base') ? 'stages-base.mjs' : 'stages.mjs';
const chosen = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && args[i - 1] !== '--base'));
const dir = 'node_modules/.cache/tsgi-cost';
mkdirSync(dir, { recursive: true });
if (bundle === 'stages.mjs') execFileSync('npx', ['esbuild', 'bench/cost/stages.ts', '--bundle', '--platform=node', '--format=esm', `--outfile=${dir}/stages.mjs`,
  '--external:fastify', '--external:ws', '--tsconfig=tsconfig.json', '--log-level=warning'], { stdio: 'inherit' });

async function mainThread(stage: string, count: number): Promise<number> {
  const prefix = `cgs.${bundle}.${stage}.${count}`;
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/${prefix}`,
    // One thread and fixed seeds: V8's background compiler and hash seeds no longer move
    // the main thread's count from one run to the next.
    'node', '--single-threaded', '--random-seed=1', '--hash-seed=1', `${dir}/${bundle}`, stage, String(count)], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  const file = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('-01'))!;
  const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1]);
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(join(dir, f));
  return total;
}

void (async () => {
  const stages = chosen.length ? chosen : STAGES;
  const results = await Promise.all(
    stages.map(async (stage) => {
      const [a, b] = await Promise.all([mainThread(stage, low), mainThread(stage, high)]);
      return `${stage.padEnd(12)} ${Math.round((b - a) / (high - low)).toLocaleString('en')} Ir/call`;
    }),
  );
  console.log(`callgrind, main thread, (${high} - ${low} calls)`);
  for (const line of results) console.log(line);
})();
