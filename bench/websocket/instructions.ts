/**
 * Instructions per WebSocket message, a measure the machine's load does not move:
 * each echo server of bench/websocket/server.ts runs under `valgrind --tool=callgrind`
 * (bundled by esbuild first, so no TypeScript is compiled under valgrind), a `ws`
 * client here sends a fixed number of messages, and the server's instruction count for
 * a short run is subtracted from a long one's: start-up, JIT warm-up of the first
 * messages and exit cancel out, what is left is instructions per message. Wall-clock
 * benchmarks on a shared 2-core box swing by 10-20 %; this swings by about 1 %.
 *
 *   npx tsx bench/websocket/instructions.ts [targets...]   (default: ws ws-text tsgi)
 *
 * Environment: WS_IR_MESSAGES (long run, 20000), WS_IR_SHORT (short run, 5000),
 * WS_IR_SIZE (message bytes, 16; 1024 for the 1 KB load), WS_IR_CONNECTIONS (10),
 * WS_IR_WINDOW (messages in flight per socket, 1).
 * Add `--cpu-prof` runs by hand: `node --cpu-prof bench/results/adhoc/ws-server.mjs tsgi`.
 * @module
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const OUT = join(ROOT, 'bench', 'results', 'adhoc');
const BUNDLE = join(OUT, 'ws-server.mjs');
const LONG = Number(process.env.WS_IR_MESSAGES ?? 20_000);
const SHORT = Number(process.env.WS_IR_SHORT ?? 5_000);
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

/** Runs `target` under callgrind for `messages` echoes; its total instruction count. */
async function instructions(target: string, messages: number): Promise<number> {
  const file = join(OUT, `callgrind.${target}.${messages}.out`);
  rmSync(file, { force: true });
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${file}`, process.execPath, BUNDLE, target], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${target} exited (${code}) before listening`)));
  });
  const message = 'x'.repeat(SIZE);
  const all = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: AUTH, perMessageDeflate: false });
      ws.once('open', () => resolve(ws)).once('error', reject);
    })),
  );
  let sent = 0;
  let received = 0;
  await new Promise<void>((resolve) => {
    for (const ws of all) {
      ws.on('message', () => {
        received++;
        if (sent < messages) {
          sent++;
          ws.send(message);
        }
        if (received === messages) resolve();
      });
      for (let i = 0; i < WINDOW && sent < messages; i++) {
        sent++;
        ws.send(message);
      }
    }
  });
  for (const ws of all) ws.terminate();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const summary = /^summary: (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!summary) throw new Error(`no summary line in ${file}`);
  return Number(summary[1]);
}

async function main(): Promise<void> {
  const targets = process.argv.slice(2);
  bundle();
  const rows: Array<[string, number]> = [];
  for (const target of targets.length > 0 ? targets : ['ws', 'ws-text', 'tsgi']) {
    const short = await instructions(target, SHORT);
    const long = await instructions(target, LONG);
    rows.push([target, (long - short) / (LONG - SHORT)]);
  }
  const base = rows[0]![1];
  console.log(`\n| ${SIZE} B, ${CONNECTIONS} sockets x ${WINDOW} in flight | instructions/msg | vs ${rows[0]![0]} |`);
  console.log('|---|---:|---:|');
  for (const [target, ir] of rows) console.log(`| ${target} | ${Math.round(ir)} | ${(base / ir).toFixed(3)}x |`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
