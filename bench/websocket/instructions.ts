/**
 * Instructions per WebSocket message, a measure the machine's load does not move:
 * each echo server of bench/websocket/server.ts runs under `valgrind --tool=callgrind`
 * (bundled by esbuild first, so no TypeScript is compiled under valgrind), one thread
 * a file; a `ws` client here warms it up with WS_IR_WARMUP echoes, zeroes its counters
 * (`callgrind_control -z`), sends WS_IR_MESSAGES more and dumps them
 * (`callgrind_control -d`): the dump holds exactly the measured window. The main
 * thread (JavaScript, ws, libuv) is the number to compare; "all threads" adds V8's
 * background compiler and GC helpers, which vary from run to run. Wall-clock
 * benchmarks on a shared 2-core box swing by 10-20 %; the main thread's count by ~1 %.
 *
 *   npx tsx bench/websocket/instructions.ts [targets...]   (default: ws ws-text tsgi)
 *
 * Environment: WS_IR_MESSAGES (measured, 20000), WS_IR_WARMUP (before, 10000),
 * WS_IR_SIZE (message bytes, 16; 1024 for the 1 KB load), WS_IR_CONNECTIONS (10),
 * WS_IR_WINDOW (messages in flight per socket, 1), WS_IR_KEEP=1 keeps the dumps
 * (bench/results/adhoc/cg.<target>.*) for `callgrind_annotate`; WS_IR_NODE_FLAGS adds flags to
 * the server's node (`--perf-basic-prof` writes /tmp/perf-<pid>.map, naming JIT code).
 * Add `--cpu-prof` runs by hand: `node --cpu-prof bench/results/adhoc/ws-server.mjs tsgi`.
 * @module
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const OUT = join(ROOT, 'bench', 'results', 'adhoc');
const BUNDLE = join(OUT, 'ws-server.mjs');
const MESSAGES = Number(process.env.WS_IR_MESSAGES ?? 20_000);
const WARMUP = Number(process.env.WS_IR_WARMUP ?? 10_000);
const KEEP = process.env.WS_IR_KEEP === '1';
/** Flags for the server's node, e.g. `--perf-basic-prof` to name JIT code in a kept dump (from /tmp/perf-<pid>.map). */
const NODE_FLAGS = (process.env.WS_IR_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const SIZE = Number(process.env.WS_IR_SIZE ?? 16);
const CONNECTIONS = Number(process.env.WS_IR_CONNECTIONS ?? 10);
const WINDOW = Number(process.env.WS_IR_WINDOW ?? 1);
const AUTH = { Authorization: 'Basic ' + Buffer.from('bench:bench').toString('base64') };

function bundle(): void {
  mkdirSync(OUT, { recursive: true });
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [
      join(HERE, 'server.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--tsconfig=${join(ROOT, 'tsconfig.json')}`,
      `--outfile=${BUNDLE}`,
      '--external:hono',
      '--external:@hono/*',
      '--external:crossws',
      "--banner:js=import{createRequire}from'module';const require=createRequire(import.meta.url);",
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
}

/** Echoes `messages` messages over `all`, WINDOW in flight per socket. */
function echo(all: WebSocket[], messages: number): Promise<void> {
  const message = 'x'.repeat(SIZE);
  let sent = 0;
  let received = 0;
  return new Promise<void>((resolve) => {
    const onMessage = function (this: WebSocket): void {
      received++;
      if (sent < messages) {
        sent++;
        this.send(message);
      }
      if (received === messages) {
        for (const ws of all) ws.off('message', onMessage);
        resolve();
      }
    };
    for (const ws of all) {
      ws.on('message', onMessage);
      for (let i = 0; i < WINDOW && sent < messages; i++) {
        sent++;
        ws.send(message);
      }
    }
  });
}

/** Sums a dump's files: the main thread's and all threads' instruction counts. */
function totals(prefix: string): { main: number; all: number } {
  let main = 0;
  let all = 0;
  for (const file of readdirSync(OUT).filter((f) => f.startsWith(prefix) && /\.1-\d+$/.test(f))) {
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(OUT, file), 'utf8'))?.[1] ?? 0);
    if (file.endsWith('-01')) main = total;
    all += total;
  }
  return { main, all };
}

/** Runs `target` under callgrind; instructions per message in the measured window. */
async function instructions(target: string): Promise<{ main: number; all: number }> {
  const prefix = `cg.${target}.`;
  for (const f of readdirSync(OUT)) if (f.startsWith(prefix)) rmSync(join(OUT, f));
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${join(OUT, prefix)}%p`, process.execPath, ...NODE_FLAGS, BUNDLE, target],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${target} exited (${code}) before listening`)));
  });
  const all = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: AUTH, perMessageDeflate: false });
      ws.once('open', () => resolve(ws)).once('error', reject);
    })),
  );
  await echo(all, WARMUP);
  execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
  await echo(all, MESSAGES);
  execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  for (const ws of all) ws.terminate();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const counts = totals(`${prefix}${child.pid}`);
  if (!KEEP) for (const f of readdirSync(OUT)) if (f.startsWith(prefix)) rmSync(join(OUT, f));
  if (counts.main === 0) throw new Error(`no main-thread dump for ${target} in ${OUT}`);
  return { main: counts.main / MESSAGES, all: counts.all / MESSAGES };
}

async function main(): Promise<void> {
  const targets = process.argv.slice(2);
  bundle();
  const rows: Array<[string, { main: number; all: number }]> = [];
  for (const target of targets.length > 0 ? targets : ['ws', 'ws-text', 'tsgi']) rows.push([target, await instructions(target)]);
  const base = rows[0]![1];
  console.log(`\n| ${SIZE} B, ${CONNECTIONS} sockets x ${WINDOW} in flight, ${MESSAGES} after ${WARMUP} | main thread Ir/msg | vs ${rows[0]![0]} | all threads Ir/msg |`);
  console.log('|---|---:|---:|---:|');
  for (const [target, ir] of rows) console.log(`| ${target} | ${Math.round(ir.main)} | ${(base.main / ir.main).toFixed(3)}x | ${Math.round(ir.all)} |`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
