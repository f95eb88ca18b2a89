/**
 * The `json-post` rows side by side by the server's CPU, kernel work and GC under the
 * same load (issue #28's last point):
 *
 *   npx tsx bench/json-post/cpu-ticks.ts [--rounds 3] [--n 20000] [--warmup 4000]
 *     [--connections 50] [--rows tsgi:json-post,tsgi:json-post-core,fastify:json-post,raw-node:json-post]
 *     [--strace] [--gc]
 *
 * Each round starts every row's server afresh (`node [--trace-gc] --import tsx
 * bench/lib/child.ts bench/targets/<module>.ts <variant>`, rows alternating), sends
 * `--warmup` POSTs of the scenario's 10 KB JSON with autocannon, then `--n` more, and
 * reads the server's utime + stime (/proc/<pid>/stat, in clock ticks of 10 ms) and
 * syscr/syscw (/proc/<pid>/io: read and write syscalls) around those `--n` only. With
 * `--gc` the server runs under `--trace-gc-nvp` and the scavenges and mark-compacts logged
 * during the measured requests are counted with their summed pause (wall time: load moves
 * it) and the bytes they saw allocated, survive a scavenge and promoted (load does not); with `--strace`
 * `strace -c -f` is attached for the measured requests (it slows the server: its
 * ticks are then not comparable, only its syscall counts).
 * Ticks measure CPU of the whole process (all threads), load-independent to within a
 * scheduler tick per ~10 ms, unlike req/s on a shared machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from '../cost/build.js';
import { JSON_10K, POST_PATH } from '../lib/workload.js';

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1]!;
}
const ROUNDS = Number(option('rounds', '3'));
const N = Number(option('n', '20000'));
const WARMUP = Number(option('warmup', '4000'));
const CONNECTIONS = Number(option('connections', '50'));
const ROWS = option('rows', 'tsgi:json-post,tsgi:json-post-core,fastify:json-post,raw-node:json-post').split(',');
const STRACE = args.includes('--strace');
const GC = args.includes('--gc');
// `--deopt`: the server runs under --trace-deopt; deoptimizations during the measured requests are listed.
const DEOPT = args.includes('--deopt');
// `--node-flags '--a --b'`: more flags for every row's node (e.g. `--interrupt-budget=8192`, as bench/cost/socket.ts runs).
const NODE_FLAGS = option('node-flags', '').split(' ').filter(Boolean);
// `--bundled`: run bench/cost/socket-child.ts bundled by esbuild (what socket.ts counts under callgrind) instead of the tsx loader.
const BUNDLED = args.includes('--bundled') ? build('socket-child') : undefined;
const BODY = join(tmpdir(), 'json-post-10k.json');
writeFileSync(BODY, JSON_10K);

interface Sample { ticks: number; user: number; sys: number; minflt: number; syscr: number; syscw: number; scavenges: number; scavengeMs: number; markCompacts: number; markCompactMs: number; allocated: number; survived: number; promoted: number; deopts: string[]; strace: string }

function stat(pid: number): { user: number; sys: number; minflt: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]), sys: Number(fields[12]), minflt: Number(fields[7]) };
}
function io(pid: number): { syscr: number; syscw: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const get = (key: string): number => Number(/^(\w+): (\d+)$/m.exec(text.split('\n').find((l) => l.startsWith(key))!)![2]);
  return { syscr: get('syscr'), syscw: get('syscw') };
}

function load(port: number, amount: number): void {
  const run = spawnSync('npx', ['autocannon', '--json', '-t', '120', '-c', String(CONNECTIONS), '-a', String(amount), '-m', 'POST', '-H', 'content-type=application/json', '-i', BODY, `http://127.0.0.1:${port}${POST_PATH}`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`autocannon failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { '2xx': number; non2xx: number; errors: number };
  if (result['2xx'] !== amount || result.non2xx || result.errors) throw new Error(`expected ${amount} 2xx answers, got ${run.stdout.slice(0, 400)}`);
}

async function start(row: string): Promise<{ child: ChildProcess; port: number; gcLines: string[] }> {
  const [module, variant] = row.split(':');
  const child = spawn('node', [...NODE_FLAGS, ...(GC ? ['--trace-gc-nvp'] : []), ...(DEOPT ? ['--trace-deopt'] : []), ...(BUNDLED ? [BUNDLED, module!] : ['--import', 'tsx', 'bench/lib/child.ts', `bench/targets/${module}.ts`]), variant!], { stdio: ['pipe', 'pipe', 'inherit'] });
  const gcLines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = /^READY (\d+)/.exec(line);
      if (ready) resolve(Number(ready[1]));
      else if (line.includes(' gc=') || line.startsWith('[bailout')) gcLines.push(line);
    });
    child.once('exit', (code) => reject(new Error(`${row} exited with ${code}`)));
  });
  return { child, port, gcLines };
}

/** Sums `--trace-gc-nvp` lines: collections by kind, their pauses, and bytes allocated, survived and promoted. */
function gcOf(lines: string[]): Pick<Sample, 'scavenges' | 'scavengeMs' | 'markCompacts' | 'markCompactMs' | 'allocated' | 'survived' | 'promoted'> {
  const sum = { scavenges: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0, allocated: 0, survived: 0, promoted: 0 };
  for (const line of lines) {
    const field = (name: string): number => Number(new RegExp(` ${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
    const kind = / gc=(\w+)/.exec(line)?.[1];
    if (kind === 's') {
      sum.scavenges++;
      sum.scavengeMs += field('pause');
    } else if (kind === 'ms' || kind === 'mc') {
      sum.markCompacts++;
      sum.markCompactMs += field('pause');
    } else continue;
    sum.allocated += field('allocated');
    sum.survived += field('new_space_survived');
    sum.promoted += field('promoted');
  }
  return sum;
}

async function measure(row: string): Promise<Sample> {
  const { child, port, gcLines } = await start(row);
  try {
    load(port, WARMUP);
    const pid = child.pid!;
    const gcBefore = gcLines.length;
    let tracer: ChildProcess | undefined;
    let traced = '';
    if (STRACE) {
      tracer = spawn('strace', ['-c', '-f', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
      tracer.stderr!.on('data', (d: Buffer) => (traced += d.toString()));
      await new Promise((r) => setTimeout(r, 500));
    }
    const s0 = stat(pid);
    const i0 = io(pid);
    load(port, N);
    const s1 = stat(pid);
    const i1 = io(pid);
    if (tracer) {
      tracer.kill('SIGINT');
      await new Promise((r) => tracer!.once('exit', r));
    }
    await new Promise((r) => setTimeout(r, 50));
    const user = s1.user - s0.user;
    const sys = s1.sys - s0.sys;
    return { ticks: user + sys, user, sys, minflt: s1.minflt - s0.minflt, syscr: i1.syscr - i0.syscr, syscw: i1.syscw - i0.syscw, ...gcOf(gcLines.slice(gcBefore)), deopts: gcLines.slice(gcBefore).filter((l) => l.startsWith('[bailout')), strace: traced };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const results = new Map<string, Sample[]>(ROWS.map((r) => [r, []]));
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 ? ROWS : [...ROWS].reverse();
  for (const row of order) {
    const s = await measure(row);
    results.get(row)!.push(s);
    const per = (x: number): string => (x / N).toFixed(2);
    console.log(`round ${round} ${row}: ${s.ticks} ticks (user ${s.user}, sys ${s.sys}) = ${((s.ticks * 10_000) / N).toFixed(1)} us/req; reads ${per(s.syscr)}/req, writes ${per(s.syscw)}/req, page faults ${per(s.minflt)}/req` + (GC ? `; ${s.scavenges} scavenges ${s.scavengeMs.toFixed(1)} ms, ${s.markCompacts} mark-compacts ${s.markCompactMs.toFixed(1)} ms; per request ${(s.allocated / N / 1024).toFixed(1)} KiB allocated, ${(s.survived / N).toFixed(0)} B survived, ${(s.promoted / N).toFixed(0)} B promoted` : ''));
    if (DEOPT) for (const line of s.deopts) console.log(`  ${line.slice(0, 240)}`);
    if (STRACE) console.log(s.strace.slice(s.strace.indexOf('% time')));
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n| row | ticks per round (user+sys) | median us/req | median sys ticks | reads/req | writes/req | page faults/req |${GC ? ' scavenges | mark-compacts | KiB allocated/req | B survived/req | B promoted/req |' : ''}`);
console.log(`|---|---|---:|---:|---:|---:|---:|${GC ? '---:|---:|---:|---:|---:|' : ''}`);
for (const [row, xs] of results) {
  console.log(`| ${row} | ${xs.map((s) => `${s.ticks} (${s.user}+${s.sys})`).join(', ')} | ${((median(xs.map((s) => s.ticks)) * 10_000) / N).toFixed(1)} | ${median(xs.map((s) => s.sys))} | ${(median(xs.map((s) => s.syscr)) / N).toFixed(2)} | ${(median(xs.map((s) => s.syscw)) / N).toFixed(2)} | ${(median(xs.map((s) => s.minflt)) / N).toFixed(2)} |` + (GC ? ` ${xs.map((s) => `${s.scavenges} (${s.scavengeMs.toFixed(0)} ms)`).join(', ')} | ${xs.map((s) => `${s.markCompacts} (${s.markCompactMs.toFixed(0)} ms)`).join(', ')} | ${(median(xs.map((s) => s.allocated)) / N / 1024).toFixed(1)} | ${(median(xs.map((s) => s.survived)) / N).toFixed(0)} | ${(median(xs.map((s) => s.promoted)) / N).toFixed(0)} |` : ''));
}
