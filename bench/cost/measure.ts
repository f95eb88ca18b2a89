/**
 * Instructions per request, counted by valgrind's callgrind: the same on a quiet
 * machine and on a loaded one, unlike req/s or even CPU time.
 * `tsx bench/cost/measure.ts [raw tsgi fastify] [--warmup 1000] [--requests 1000]`.
 *
 * Each target of bench/cost/server.ts is bundled (esbuild), started under callgrind
 * with one output file per thread, warmed up with `--warmup` requests, its counters
 * zeroed (`callgrind_control -z`), sent `--requests` keep-alive requests one after
 * another (bench/cost/client.ts, outside valgrind), and dumped (`callgrind_control -d`).
 * The dump holds exactly the measured window: main thread (JavaScript, node's parser,
 * libuv) and all threads (adds V8's background compiler and GC helpers).
 * Prints one line a target; `--keep` leaves the dumps for `callgrind_annotate`.
 */
import { spawn, execFileSync } from 'node:child_process';
import { build, CACHE } from './build.js';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const warmup = option('--warmup', 1000);
const requests = option('--requests', 1000);
const keep = args.includes('--keep');
const targets = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const dir = CACHE;
mkdirSync(dir, { recursive: true });
const entry = build('server');

function client(port: string, count: number): void {
  if (count > 0) execFileSync('node', ['--import', 'tsx', 'bench/cost/client.ts', port, String(count)], { stdio: 'inherit' });
}

function totals(prefix: string): { main: number; all: number } {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && /\.1-\d+$/.test(f)).sort();
  let main = 0;
  let all = 0;
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? 0);
    if (file.endsWith('-01')) main = total;
    all += total;
    if (!keep) rmSync(join(dir, file));
  }
  return { main, all };
}

async function measure(target: string): Promise<string> {
  const prefix = `cg.${target}`;
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(join(dir, f));
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/${prefix}.%p`,
    'node', entry, target], { stdio: ['pipe', 'pipe', 'ignore'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`${target} exited before READY`)));
  });
  client(port, warmup);
  execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
  client(port, requests);
  execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  const { main, all } = totals(`${prefix}.${child.pid}`);
  return `${target.padEnd(10)} main thread ${Math.round(main / requests).toLocaleString('en')} Ir/request, all threads ${Math.round(all / requests).toLocaleString('en')}`;
}

void (async () => {
  const lines = await Promise.all((targets.length ? targets : ['raw', 'tsgi', 'fastify']).map(measure));
  console.log(`warmup ${warmup}, ${requests} requests measured`);
  for (const line of lines) console.log(line);
})();
