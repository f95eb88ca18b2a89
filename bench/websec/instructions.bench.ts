/**
 * What cors(), secureHeaders(), rateLimit() and otel() cost a request in machine
 * instructions, which the machine's load does not change: each row of rows.ts runs
 * alone in a process under `valgrind --tool=callgrind`, twice: warm-up only, then the
 * same warm-up and `count` more requests; the difference over `count` is the row's
 * instructions per request (start-up, loading and JIT warm-up cancel out). node runs
 * with `--single-threaded` (no background compiler or GC threads) and fixed random and
 * hash seeds, so two identical runs differ by ~10k instructions in 1e9.
 *
 *   npx tsx bench/websec/instructions.bench.ts                       # every row
 *   BENCH_ROWS=hello+cors npx tsx bench/websec/instructions.bench.ts  # one row and its base
 *
 * Environment: BENCH_ROWS (as cost.bench.ts), BENCH_JOBS (2: valgrind runs at once).
 * Takes about a minute per hello row and four per stack row. Needs valgrind and
 * esbuild (the row runner is bundled once, so tsx's loader is not what is counted).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectRows, type Row } from './rows.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const NODE_FLAGS = ['--single-threaded', '--random-seed=1', '--hash-seed=1'];

/** Warm-up and counted requests: fewer for the rows that gzip 10 KB or inject through Fastify per request (valgrind runs them ~50x slower). */
function plan(row: Row): { warm: number; count: number } {
  return /^(stack|floor|fastify)/.test(row.name) ? { warm: 3000, count: 2000 } : { warm: 20_000, count: 20_000 };
}

function bundle(dir: string): string {
  const out = join(dir, 'one-row.mjs');
  execFileSync(
    join(root, 'node_modules', '.bin', 'esbuild'),
    [
      join(here, 'one-row.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--tsconfig=${join(root, 'tsconfig.json')}`,
      `--outfile=${out}`,
      '--log-level=warning',
      "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    ],
    { stdio: 'inherit' },
  );
  return out;
}

function instructions(script: string, row: string, warm: number, count: number): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...NODE_FLAGS, script, row, String(warm), String(count)];
  return new Promise((resolve, reject) => {
    execFile('valgrind', args, { maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      const match = /Collected : (\d+)/.exec(stderr);
      if (error !== null || match === null) reject(new Error(`valgrind ${row} ${warm} ${count} failed: ${error?.message ?? ''}\n${stderr.slice(-2000)}`));
      else resolve(Number(match[1]));
    });
  });
}

/** Runs `tasks` with at most `jobs` at once. */
async function pool<T>(tasks: Array<() => Promise<T>>, jobs: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}

async function main(): Promise<void> {
  const rows = selectRows(process.env.BENCH_ROWS);
  const jobs = Number(process.env.BENCH_JOBS ?? 2);
  const dir = mkdtempSync(join(tmpdir(), 'tsgi-icount-'));
  try {
    const script = bundle(dir);
    const tasks = rows.flatMap((row) => {
      const { warm, count } = plan(row);
      return [() => instructions(script, row.name, warm, 0), () => instructions(script, row.name, warm, count)];
    });
    const counts = await pool(tasks, jobs);
    const perRequest = new Map(rows.map((row, i) => [row.name, (counts[2 * i + 1]! - counts[2 * i]!) / plan(row).count]));
    console.log(`Instructions per request (callgrind, node ${process.version} ${NODE_FLAGS.join(' ')}; each row alone in its process)`);
    console.log('| row | instructions/req | added | base/row |');
    console.log('|---|---:|---:|---:|');
    for (const row of rows) {
      const own = perRequest.get(row.name)!;
      const base = perRequest.get(row.base) ?? Number.NaN;
      const same = row.name === row.base;
      console.log(`| ${row.name} | ${Math.round(own)} | ${same ? '' : `${own >= base ? '+' : ''}${Math.round(own - base)}`} | ${same ? '' : (base / own).toFixed(3)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
