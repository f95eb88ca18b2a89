/**
 * What one compressed response costs, counted two load-independent ways, for the
 * servers of bench/gzip/server.ts (the `adapters` and `gzip-1mb` rows):
 *
 * - `tsx bench/gzip/cost.ts [targets] [--warmup 300] [--requests 300]`: instructions per
 *   request under valgrind's callgrind, as bench/cost/measure.ts counts them (main
 *   thread, and all threads: the libuv pool does the async zlib calls), the requests
 *   sent one after another on one keep-alive connection with `Accept-Encoding: gzip`.
 * - `... --gc [--connections 50]`: garbage collections per 10,000 requests under
 *   `node --trace-gc`, the requests sent by autocannon 50 at a time (as the bench
 *   does), counted as scavenges and mark-compacts between a marker after the warm-up
 *   and one after the last answer. Counts depend on how many requests are in flight,
 *   not on how fast the machine is.
 *
 * Each request's answer is gunzipped and checked against the JSON it should be.
 * Targets default to all; `--keep` leaves callgrind's dumps for `callgrind_annotate`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { JSON_10K, JSON_1M } from '../lib/workload.js';

const args = process.argv.slice(2);
const tagAt = args.indexOf('--tag');
/** `--tag before` builds (or with `--no-build` reuses) a bundle of its own, to compare two versions of the code. */
const CACHE = `node_modules/.cache/tsgi-gzip-cost${tagAt === -1 ? '' : `/${args[tagAt + 1]}`}`;
const ALL = ['fastify-compress', 'fastify-tsgi', 'fastify-plain', 'fastify-noop', 'tsgi-10k', 'raw-1mb', 'tsgi-1mb', 'tsgi-1mb-stream'];

const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const gcMode = args.includes('--gc');
const keep = args.includes('--keep');
const VALUED = new Set(['--warmup', '--requests', '--connections', '--tag']);
const targets = args.filter((a, i) => !a.startsWith('--') && !VALUED.has(args[i - 1]!));

function build(): string {
  mkdirSync(CACHE, { recursive: true });
  if (args.includes('--no-build')) return `${CACHE}/server.mjs`;
  execFileSync('npx', ['esbuild', 'bench/gzip/server.ts', '--bundle', '--splitting', '--platform=node', '--format=esm',
    `--outdir=${CACHE}`, '--out-extension:.js=.mjs', '--external:fastify', '--external:@fastify/*', '--tsconfig=tsconfig.json',
    '--log-level=warning'], { stdio: 'inherit' });
  return `${CACHE}/server.mjs`;
}

const expected = (target: string): Buffer => (target.endsWith('1mb') || target.endsWith('stream') ? JSON_1M : JSON_10K);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function one(port: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path: '/api/v1/items/42', agent, headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const plain = res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
        if (!plain.equals(expected(target))) reject(new Error(`${target}: the answer is not the JSON (${plain.byteLength} bytes)`));
        else resolve();
      });
    });
    req.on('error', reject).end();
  });
}

async function sequential(port: string, target: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await one(port, target);
}

function load(port: string, amount: number, connections: number): Promise<void> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}/api/v1/items/42`, connections, amount, headers: { 'accept-encoding': 'gzip' } },
      (error, result) => (error ? reject(error) : result.non2xx + result.errors > 0 ? reject(new Error(`${result.errors} errors`)) : resolve()),
    );
  });
}

function started(child: ReturnType<typeof spawn>, onLine?: (line: string) => void): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let at: number;
      while ((at = out.indexOf('\n')) !== -1) {
        const line = out.slice(0, at);
        out = out.slice(at + 1);
        const m = /^READY (\d+)/.exec(line);
        if (m) resolve(m[1]!);
        else onLine?.(line);
      }
    });
    child.once('exit', () => reject(new Error('the server exited before READY')));
  });
}

async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  child.stdin!.end();
  await new Promise((resolve) => child.once('exit', resolve));
}

function totals(prefix: string): { main: number; all: number } {
  const files = readdirSync(CACHE).filter((f) => f.startsWith(prefix) && /\.1-\d+$/.test(f)).sort();
  let main = 0;
  let all = 0;
  for (const file of files) {
    const text = readFileSync(join(CACHE, file), 'utf8');
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? 0);
    if (file.endsWith('-01')) main = total;
    all += total;
    if (!keep) rmSync(join(CACHE, file));
  }
  return { main, all };
}

async function instructions(entry: string, target: string): Promise<string> {
  const big = expected(target) === JSON_1M;
  const warmup = option('--warmup', big ? 20 : 300);
  const requests = option('--requests', big ? 20 : 300);
  const prefix = `cg.${target}`;
  for (const f of readdirSync(CACHE)) if (f.startsWith(prefix)) rmSync(join(CACHE, f));
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${CACHE}/${prefix}.%p`, 'node', entry, target], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const port = await started(child);
  await sequential(port, target, warmup);
  execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
  await sequential(port, target, requests);
  execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  await stop(child);
  const { main, all } = totals(`${prefix}.${child.pid}`);
  const per = (n: number): string => Math.round(n / requests).toLocaleString('en');
  return `${target.padEnd(18)} main thread ${per(main)} Ir/request, all threads ${per(all)}  (${requests} after ${warmup})`;
}

async function collections(entry: string, target: string): Promise<string> {
  const big = expected(target) === JSON_1M;
  const warmup = option('--warmup', big ? 500 : 5000);
  const requests = option('--requests', big ? 1000 : 20000);
  const connections = option('--connections', big ? 10 : 50);
  let counting = false;
  const counts = { scavenge: 0, markCompact: 0 };
  const child = spawn('stdbuf', ['-oL', 'node', '--trace-gc', entry, target], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await started(child, (line) => {
    if (!counting) return;
    if (line.includes(': Scavenge')) counts.scavenge++;
    else if (line.includes(': Mark-Compact')) counts.markCompact++;
  });
  await sequential(port, target, 1);
  await load(port, warmup, connections);
  counting = true;
  await load(port, requests, connections);
  // Lines already printed reach us within a turn or two; stdbuf makes node's stdout line-buffered.
  await new Promise((resolve) => setTimeout(resolve, 200));
  counting = false;
  await stop(child);
  const per = (n: number): string => ((n * 10_000) / requests).toFixed(1);
  return `${target.padEnd(18)} per 10k requests: ${per(counts.scavenge)} scavenges, ${per(counts.markCompact)} mark-compacts  (${counts.scavenge}/${counts.markCompact} in ${requests}, ${connections} connections)`;
}

void (async () => {
  const entry = build();
  const list = targets.length > 0 ? targets : ALL;
  for (const target of list) console.log(await (gcMode ? collections(entry, target) : instructions(entry, target)));
  agent.destroy();
})();
