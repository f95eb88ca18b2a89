/**
 * A `pnpm bench` scenario's server cost in instructions at the socket, which a shared
 * machine's load does not move:
 *
 *   npx tsx bench/cost/socket.ts <scenario> [row ...] [--n 1000] [--warmup 2000]
 *     [--connections 1] [--budget 8192] [--top 0] [--keep]
 *
 * A row is a row id of the scenario (`tsgi+log`, quoted where the shell needs it) or
 * `module:variant` (`tsgi:stack-nolog`); a row's node flags come with it. With no rows
 * given, every row of the scenario whose module socket-child.ts can start (raw-node,
 * tsgi, fastify) and that has no node flags of its own is counted.
 *
 * Each row's server (bench/targets/<module>.ts, started by bench/cost/socket-child.ts
 * bundled with esbuild, @tsgi/* from src: no TypeScript loader under valgrind) runs
 * under `valgrind --tool=callgrind --separate-threads=yes`, gets `--warmup` of the
 * scenario's requests (its path, headers, method and body, bench/lib/scenarios.ts) over
 * `--connections` keep-alive connections, has its counters zeroed, gets `--n` more, and
 * is dumped: the instructions of exactly those requests, on the main thread (JavaScript,
 * node's parser, libuv) and on all threads (V8's background compiler and GC helpers, the
 * log stream's fs writes, added). Kernel time (socket reads and writes) is in neither.
 * Each row's difference from the first row is printed after it.
 *
 * A scenario with `redis: true` gives each row a redis-server of its own
 * (bench/cost/redis.ts) and prints the Redis commands each measured request cost
 * (INFO commandstats before and after); Redis' own work is not in the count.
 * `--top N` lists the main thread's N most costly functions per request
 * (self cost, read from the dump); `--keep` leaves the dumps and prints where.
 */
import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { SCENARIOS, type Row, type Scenario } from '../lib/scenarios.js';
import { build, CACHE } from './build.js';
import { removeDumps, startCounted, topFunctions, totals } from './callgrind.js';
import { commandStats, commandsPerRequest, startRowRedis, type RowRedis } from './redis.js';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** The target modules bench/cost/socket-child.ts imports. */
const COUNTABLE = ['raw-node', 'tsgi', 'fastify'];
const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
}
function flag(name: string): boolean {
  return args.includes(`--${name}`) && args.splice(args.indexOf(`--${name}`), 1).length > 0;
}
const N = option('n', 1000);
const WARMUP = option('warmup', 2000);
const CONNECTIONS = option('connections', 1);
// V8 tiers a function up to TurboFan after about 3 x 67584 bytes of its bytecode ran, and
// 500 calls after its last IC change: under valgrind a few thousand requests leave much of
// node's HTTP code in Sparkplug. A smaller budget reaches the steady state a real server is
// in within the warm-up (`--budget 0`: V8's default).
const budget = option('budget', 8192);
const TOP = option('top', 0);
const keep = flag('keep');
const [name, ...chosen] = args;
const found = SCENARIOS.find((s) => s.name === name);
if (found === undefined) throw new Error(`socket.ts: no scenario ${String(name)}; one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
const scenario: Scenario = found;

function pick(given: string): Row {
  const row = scenario.rows.find((r) => r.id === given || `${r.module}:${r.variant}` === given);
  if (row !== undefined) return row;
  if (!given.includes(':')) throw new Error(`socket.ts: ${scenario.name} has no row ${given}; its rows: ${scenario.rows.map((r) => r.id).join(', ')} (or give module:variant)`);
  const [module, variant] = given.split(':') as [string, string];
  return { id: given, module, variant };
}
const rows = chosen.length > 0 ? chosen.map(pick) : scenario.rows.filter((r) => COUNTABLE.includes(r.module) && r.nodeFlags === undefined);
const bad = rows.find((r) => !COUNTABLE.includes(r.module));
if (bad !== undefined) throw new Error(`socket.ts: row ${bad.id} runs bench/targets/${bad.module}.ts; socket-child.ts starts only ${COUNTABLE.join(', ')}`);
const body = scenario.body;
mkdirSync(CACHE, { recursive: true });
const entry = build('socket-child');

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

interface Counted {
  row: Row;
  main: number;
  all: number;
  extra: string[];
}

async function count(row: Row): Promise<Counted> {
  const prefix = `sock.${scenario.name}.${row.module}.${row.variant}.${row.nodeFlags?.join('') ?? ''}`.replace(/[^\w.-]/g, '_');
  removeDumps(CACHE, prefix);
  const redis: RowRedis | undefined = scenario.redis ? await startRowRedis() : undefined;
  const extra: string[] = [];
  try {
    const nodeFlags = [...(budget > 0 ? [`--interrupt-budget=${budget}`] : []), ...(row.nodeFlags ?? [])];
    const server = await startCounted(entry, [row.module, row.variant], join(CACHE, prefix), { nodeFlags, env: { ...process.env, ...redis?.env }, cwd: ROOT });
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    try {
      await send(scenario, server.port, agent, WARMUP);
      server.zero();
      const before = redis && commandStats(redis.server.port);
      await send(scenario, server.port, agent, N);
      server.dump();
      if (redis && before) extra.push(`  Redis commands/request: ${commandsPerRequest(before, commandStats(redis.server.port), N)}`);
    } finally {
      agent.destroy();
      await server.stop();
    }
    const { main, all } = totals(CACHE, prefix);
    if (TOP > 0) extra.push(`  top ${TOP} functions, main thread, Ir/request (self):`, ...topFunctions(CACHE, prefix, TOP, N));
    if (keep) extra.push(`  dumps: ${CACHE}/${prefix}.*`);
    return { row, main: main / N, all: all / N, extra };
  } finally {
    if (!keep) removeDumps(CACHE, prefix);
    await redis?.server.stop();
  }
}

// The rows run side by side: a count does not depend on what else the machine runs.
const results = await Promise.all(rows.map(count));
const fmt = (n: number): string => Math.round(n).toLocaleString('en').padStart(10);
const signed = (n: number): string => `${n >= 0 ? '+' : '-'}${Math.round(Math.abs(n)).toLocaleString('en')}`;
console.log(`${scenario.name}: ${N} requests after ${WARMUP}, ${CONNECTIONS} connection(s), --interrupt-budget ${budget || 'default'}; Ir/request`);
const [first] = results;
for (const r of results) {
  const vs = r === first ? '' : `  vs ${first!.row.id}: main ${signed(r.main - first!.main)} (${(r.main / first!.main).toFixed(3)}x), all ${signed(r.all - first!.all)}`;
  console.log(`${r.row.id.padEnd(30)} main ${fmt(r.main)}  all threads ${fmt(r.all)}${vs}`);
  for (const line of r.extra) console.log(line);
}
