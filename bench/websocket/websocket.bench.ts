/**
 * The WebSocket scenario of `pnpm bench` (BENCH_SCENARIOS=websocket): echo servers
 * (bench/websocket/server.ts) each in its own process pinned to BENCH_SERVER_CPU, the
 * `ws` client here on BENCH_LOAD_CPU, all on 127.0.0.1, rounds interleaved. Two loads:
 *
 * - round trips: BENCH_CONNECTIONS sockets, each sending a 16-byte text message and
 *   waiting for its echo before the next (latency-bound);
 * - 1 KB messages: 10 sockets, each keeping 32 messages of 1 KiB text in flight
 *   (throughput-bound).
 *
 * Ratios are to plain `ws` on node:http from the same run (goal for tsgi: >= 0.95x),
 * and for tsgi against @hono/node-ws and crossws (goal >= 1.0x). Two pairs do the same
 * work: `tsgi` (an app taking bytes, `decode: false`) and `ws` echo the received bytes;
 * `tsgi-text` (strings, the default) and `ws-text` decode and re-encode; the goal lines
 * under each table compare those pairs. Server CPU per
 * message is read from /proc, so a ratio the client caps still shows in it.
 *
 *   BENCH_SCENARIOS=websocket pnpm bench   (or: npx tsx bench/websocket/websocket.bench.ts)
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGETS = ['ws', 'ws-text', 'tsgi', 'tsgi-text', 'tsgi-stack', 'hono-node-ws', 'crossws'] as const;
type Target = (typeof TARGETS)[number];
const DURATION = Number(process.env.BENCH_DURATION ?? 5) * 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SERVER_CPU = process.env.BENCH_SERVER_CPU ?? '0';
const AUTH = { Authorization: 'Basic ' + Buffer.from('bench:bench').toString('base64') };
const TICKS = 100; // /proc/<pid>/stat counts in clock ticks (USER_HZ)

interface Server {
  target: Target;
  port: number;
  child: ChildProcess;
}

function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS;
}

function startServer(target: Target): Promise<Server> {
  const args = ['--import', 'tsx', join(HERE, 'server.ts'), target];
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: join(HERE, '..', '..') });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve({ target, port: Number(match[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`${target} exited (${code}) before listening`)));
  });
}

async function sockets(port: number, n: number): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: AUTH, perMessageDeflate: false });
      ws.once('open', () => resolve(ws)).once('error', reject);
    })),
  );
}

/** Runs `load` on fresh sockets for DURATION ms; messages echoed per second and server CPU us each. */
async function measure(server: Server, connections: number, window: number, message: string): Promise<{ rate: number; cpu: number }> {
  const all = await sockets(server.port, connections);
  let count = 0;
  let running = true;
  for (const ws of all) {
    ws.on('message', () => {
      count++;
      if (running) ws.send(message);
    });
  }
  const cpu0 = cpuMicros(server.child.pid!);
  const t0 = performance.now();
  for (const ws of all) for (let i = 0; i < window; i++) ws.send(message);
  await new Promise((resolve) => setTimeout(resolve, DURATION));
  running = false;
  const seconds = (performance.now() - t0) / 1000;
  const done = count;
  const cpu = cpuMicros(server.child.pid!) - cpu0;
  await Promise.all(all.map((ws) => new Promise((resolve) => (ws.once('close', resolve), ws.terminate()))));
  return { rate: done / seconds, cpu: cpu / done };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const loads = [
    { name: 'round trips/s (16 B, one in flight per socket)', connections: CONNECTIONS, window: 1, message: 'x'.repeat(16) },
    { name: '1 KB messages/s (10 sockets x 32 in flight)', connections: 10, window: 32, message: 'y'.repeat(1024) },
  ];
  const servers: Server[] = [];
  try {
    for (const target of TARGETS) servers.push(await startServer(target));
    const results: Record<string, Record<Target, { rate: number[]; cpu: number[] }>> = {};
    for (const load of loads) {
      results[load.name] = Object.fromEntries(TARGETS.map((t) => [t, { rate: [], cpu: [] }])) as never;
      // One warm-up pass, then rounds with the targets interleaved.
      for (const server of servers) await measure(server, load.connections, load.window, load.message);
      for (let round = 0; round < ROUNDS; round++) {
        for (const server of servers) {
          const { rate, cpu } = await measure(server, load.connections, load.window, load.message);
          results[load.name]![server.target].rate.push(rate);
          results[load.name]![server.target].cpu.push(cpu);
        }
      }
    }
    const report: Record<string, unknown> = {};
    for (const load of loads) {
      const rows = results[load.name]!;
      const base = median(rows.ws.rate);
      const baseCpu = median(rows.ws.cpu);
      const tsgi = median(rows.tsgi.rate);
      console.log(`\n| ${load.name} | median | vs ws | tsgi vs it | server CPU us/msg | vs ws by CPU |`);
      console.log('|---|---:|---:|---:|---:|---:|');
      for (const target of TARGETS) {
        const rate = median(rows[target].rate);
        const cpu = median(rows[target].cpu);
        console.log(`| ${target} | ${Math.round(rate)} | ${(rate / base).toFixed(2)}x | ${(tsgi / rate).toFixed(2)}x | ${cpu.toFixed(1)} | ${(baseCpu / cpu).toFixed(2)}x |`);
      }
      for (const [ours, theirs] of [['tsgi', 'ws'], ['tsgi-text', 'ws-text']] as const) {
        const rate = median(rows[ours].rate) / median(rows[theirs].rate);
        const cpu = median(rows[theirs].cpu) / median(rows[ours].cpu);
        console.log(`${ours} vs ${theirs}: ${rate.toFixed(2)}x msg/s, ${cpu.toFixed(2)}x by CPU per message (goal >= 0.95x)`);
      }
      report[load.name] = Object.fromEntries(TARGETS.map((t) => [t, { medianRate: median(rows[t].rate), medianCpuPerMessage: median(rows[t].cpu), rounds: rows[t].rate }]));
    }
    const dir = join(HERE, '..', 'results', 'adhoc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'websocket.json'), JSON.stringify({ date: new Date().toISOString(), durationMs: DURATION, rounds: ROUNDS, report }, null, 2) + '\n');
  } finally {
    for (const server of servers) server.child.kill();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
