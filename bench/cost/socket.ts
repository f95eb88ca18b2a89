/**
 * A `pnpm bench` scenario's server cost in instructions at the socket, which a shared
 * machine's load does not move: `tsx bench/cost/socket.ts <scenario> [module:variant ...]
 * [--n 1000] [--warmup 2000] [--connections 1] [--budget 8192] [--keep]`.
 *
 * Each row's server (bench/targets/<module>.ts, started by bench/cost/socket-child.ts
 * bundled with esbuild, @tsgi/* from src: no TypeScript loader under valgrind) runs under `valgrind --tool=callgrind --separate-threads=yes`, gets `--warmup` of the
 * scenario's requests (its path, headers, method and body, bench/lib/scenarios.ts) over
 * `--connections` keep-alive connections, has its counters zeroed, gets `--n` more, and
 * is dumped: the instructions of exactly those requests, on the main thread (JavaScript,
 * node's parser, libuv) and on all threads (V8's background compiler and GC helpers
 * added). Kernel time (socket reads and writes) is in neither. With no rows given, the
 * scenario's raw-node, tsgi and fastify rows (those it has) are counted.
 *
 * bench/json-post/socket-callgrind.ts is the json-post special case of this.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { SCENARIOS, type Scenario } from '../lib/scenarios.js';
import { build, CACHE } from './build.js';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
}
const N = option('n', 1000);
const WARMUP = option('warmup', 2000);
const CONNECTIONS = option('connections', 1);
// V8 tiers a function up to TurboFan after about 3 x 67584 bytes of its bytecode ran, and
// 500 calls after its last IC change: under valgrind a few thousand requests leave much of
// node's HTTP code in Sparkplug. A smaller budget reaches the steady state a real server is
// in within the warm-up (`--budget 0`: V8's default).
const budget = option('budget', 8192);
const keep = args.includes('--keep') && args.splice(args.indexOf('--keep'), 1).length > 0;
const [name, ...chosen] = args;
const found = SCENARIOS.find((s) => s.name === name);
if (found === undefined) throw new Error(`socket.ts: no scenario ${String(name)}; one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
const scenario: Scenario = found;
const rows =
  chosen.length > 0
    ? chosen.map((r) => r.split(':') as [string, string])
    : scenario.rows.filter((r) => ['raw-node', 'tsgi', 'fastify'].includes(r.id)).map((r) => [r.module, r.variant] as [string, string]);
const body = scenario.body;
mkdirSync(CACHE, { recursive: true });
const entry = build('socket-child');

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function start(module: string, variant: string, out: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS; // loading extra certificates costs minutes under valgrind
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${out}`, process.execPath,
      ...(budget > 0 ? [`--interrupt-budget=${budget}`] : []), entry, module, variant],
    { stdio: ['pipe', 'pipe', 'ignore'], cwd: dirname(BENCH_DIR), env },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`${module}:${variant} exited (${code}) before it was ready`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /READY (\d+)\n/.exec(text);
      if (match === null) return;
      child.removeAllListeners('exit');
      resolve({
        port: Number(match[1]),
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** `count` requests over `CONNECTIONS` keep-alive connections, each answer checked. */
async function send(s: Scenario, port: number, agent: Agent, count: number): Promise<void> {
  let left = count;
  const headers: Record<string, string | number> = { ...s.headers };
  if (body !== undefined) headers['content-length'] = body.byteLength;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', path: s.path, method: s.method ?? 'GET', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
          let got = Buffer.concat(chunks);
          if (res.headers['content-encoding'] === 'gzip') got = gunzipSync(got);
          if (res.statusCode !== s.expect.status || !got.equals(s.expect.body)) reject(new Error(`got ${res.statusCode} ${got.toString().slice(0, 200)}`));
          else resolve();
        });
      });
      // A kept-alive socket the server closed as idle (5 s: valgrind on a loaded machine can
      // be that slow between two requests) resets the next one: sent again, as node's docs advise.
      req
        .on('error', (error: NodeJS.ErrnoException) => {
          if (req.reusedSocket && error.code === 'ECONNRESET') void one().then(resolve, reject);
          else reject(error);
        })
        .end(body);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (left-- > 0) await one();
    }),
  );
}

/** A row's files: `prefix`, `prefix-01`, `prefix.1-01`; not another row's whose name starts the same (`gzip-json` and `gzip-json+tsgi`). */
function isOf(file: string, prefix: string): boolean {
  return file === prefix || file.startsWith(`${prefix}-`) || file.startsWith(`${prefix}.`);
}

function totals(prefix: string): { main: number; all: number } {
  let main = 0;
  let all = 0;
  for (const file of readdirSync(CACHE).filter((f) => isOf(f, prefix) && /\.1-\d+$/.test(f))) {
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(CACHE, file), 'utf8'))?.[1] ?? 0);
    if (file.endsWith('-01')) main = total;
    all += total;
  }
  return { main, all };
}

async function count([module, variant]: [string, string]): Promise<string> {
  const prefix = `sock.${scenario.name}.${module}.${variant}`.replace(/[^\w.-]/g, '_');
  for (const f of readdirSync(CACHE)) if (isOf(f, prefix)) rmSync(join(CACHE, f));
  const server = await start(module, variant, join(CACHE, prefix));
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await send(scenario, server.port, agent, WARMUP);
    execFileSync('callgrind_control', ['-z', String(server.pid)], { stdio: 'ignore' });
    await send(scenario, server.port, agent, N);
    execFileSync('callgrind_control', ['-d', String(server.pid)], { stdio: 'ignore' });
  } finally {
    agent.destroy();
    await server.stop();
  }
  const { main, all } = totals(prefix);
  const per = (n: number): string => Math.round(n / N).toLocaleString('en').padStart(10);
  if (!keep) for (const f of readdirSync(CACHE)) if (isOf(f, prefix)) rmSync(join(CACHE, f));
  const line = `${scenario.name.padEnd(10)} ${`${module}:${variant}`.padEnd(26)} main ${per(main)}  all threads ${per(all)}  Ir/request`;
  return keep ? `${line}\n  dumps: ${CACHE}/${prefix}.*` : line;
}

// The rows run side by side: a count does not depend on what else the machine runs.
const lines = await Promise.all(rows.map(count));
console.log(`${N} requests after ${WARMUP}, ${CONNECTIONS} connection(s), --interrupt-budget ${budget || 'default'}`);
for (const line of lines) console.log(line);
