/**
 * bench/cost/socket.ts's count with autocannon as the client (the client `pnpm bench`
 * and cpu-ticks.ts use: head and body in one write), for the json-post rows:
 *
 *   npx tsx bench/json-post/callgrind-autocannon.ts <module:variant ...> [--n 1000] [--warmup 2000]
 *
 * Each row's bundled server (bench/cost/socket-child.ts) runs under callgrind with
 * `--interrupt-budget=8192`; after `--warmup` POSTs over 50 connections the counts are
 * zeroed, `--n` more are sent, and the main thread's and all threads' instructions per
 * request are printed. The rows run at once (one valgrind each).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, CACHE } from '../cost/build.js';
import { removeDumps, startCounted, totals } from '../cost/callgrind.js';
import { JSON_10K, POST_PATH } from '../lib/workload.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => (args.includes(`--${name}`) ? Number(args.splice(args.indexOf(`--${name}`), 2)[1]) : fallback);
const N = option('n', 1000);
const WARMUP = option('warmup', 2000);
const BODY = join(tmpdir(), 'json-post-10k.json');
writeFileSync(BODY, JSON_10K);
const entry = build('socket-child');
mkdirSync(CACHE, { recursive: true });

function load(port: number, amount: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['autocannon', '-t', '600', '-c', '50', '-a', String(amount), '-m', 'POST', '-H', 'content-type=application/json', '-i', BODY, `http://127.0.0.1:${port}${POST_PATH}`], { stdio: 'ignore' });
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`autocannon exited ${code}`))));
  });
}

async function count(row: string): Promise<string> {
  const [module, variant] = row.split(':');
  const prefix = `ac.${module}.${variant}`;
  removeDumps(CACHE, prefix);
  const server = await startCounted(entry, [module!, variant!], join(CACHE, prefix), { nodeFlags: ['--interrupt-budget=8192'], env: process.env, cwd: process.cwd() });
  try {
    await load(server.port, WARMUP);
    server.zero();
    await load(server.port, N);
    server.dump();
  } finally {
    await server.stop();
  }
  const { main, all } = totals(CACHE, prefix);
  removeDumps(CACHE, prefix);
  return `${row.padEnd(24)} main ${Math.round(main / N).toLocaleString('en-US').padStart(10)}  all threads ${Math.round(all / N).toLocaleString('en-US').padStart(10)}`;
}

for (const line of await Promise.all(args.map(count))) console.log(line);
