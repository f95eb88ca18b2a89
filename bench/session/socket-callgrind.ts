/**
 * The session-redis scenario's server cost in instructions, which a shared machine's
 * load does not move: a redis-server is started (packages/redis/test/redis-server.ts,
 * as `pnpm bench` does), then each row's server (bench/targets/<module>.ts, the
 * scenario's variant) runs under `valgrind --tool=callgrind`, gets `--warmup` GETs of
 * the stack's path with the scenario's headers and session cookie over `--connections`
 * keep-alive connections, its counts are dumped, then `--n` more GETs, dumped again:
 * the second dump is the server's user-space instructions for those requests (node's
 * HTTP parser, the gateway, the stack, the session middleware and the Redis client,
 * GC). The kernel's share (socket reads and writes, to the client and to Redis) is not
 * in it, nor Redis' own work.
 *
 *   npx tsc -b tsconfig.build.json   # targets load the built dist/, as in pnpm bench
 *   npx tsx bench/session/socket-callgrind.ts [--n 1000] [--warmup 500] [--connections 10] \
 *     [tsgi:stack tsgi:stack+session-redis raw-node:stack+redis ...]
 *
 * Prints instructions per request for each `module:variant`, and how many Redis
 * commands each request cost (INFO commandstats before and after the measured
 * requests; each row has its own redis-server). The rows run side by side. Slow
 * (valgrind runs node some 50x slower).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../../packages/redis/test/redis-server.js';
import { REDIS_URL_ENV } from '../lib/target.js';
import { TSGI_MEMORY_ID, TSGI_REDIS } from '../lib/session.js';
import { REQUEST_HEADERS, STACK_PATH } from '../lib/workload.js';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return Number(value);
}
const N = option('n', 1000);
const WARMUP = option('warmup', 500);
const CONNECTIONS = option('connections', 10);
const rows = args.length > 0 ? args : ['tsgi:stack', 'tsgi:stack+session-redis'];
const HEADERS = { ...REQUEST_HEADERS, cookie: `${TSGI_REDIS}=${TSGI_MEMORY_ID}` };

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function start(module: string, variant: string, out: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: join(BENCH_DIR, 'tsconfig.dist.json') };
  delete env.NODE_EXTRA_CA_CERTS; // loading extra certificates costs minutes under valgrind
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--import', 'tsx', join(BENCH_DIR, 'lib', 'child.ts'), join(BENCH_DIR, 'targets', `${module}.ts`), variant],
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

/** `count` GETs over `CONNECTIONS` keep-alive connections, each answer checked for a 200. */
async function get(port: number, agent: Agent, count: number): Promise<void> {
  let left = count;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', path: STACK_PATH, agent, headers: HEADERS }, (res) => {
        res.on('data', () => {}).on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`got ${res.statusCode}`))));
      });
      req.on('error', reject).end();
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (left-- > 0) await one();
    }),
  );
}

function summary(file: string): number {
  const match = /^summary: (\d+)$/m.exec(readFileSync(file, 'utf8'));
  if (match === null) throw new Error(`no summary in ${file}`);
  return Number(match[1]);
}

/** Calls per command so far, from INFO commandstats. */
function commandStats(port: number): Map<string, number> {
  const text = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'commandstats'], { encoding: 'utf8' });
  const calls = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

function perRequest(before: Map<string, number>, after: Map<string, number>): string {
  const used = [...after].map(([name, calls]) => [name, (calls - (before.get(name) ?? 0)) / N] as const).filter(([name, n]) => n > 0 && name !== 'info');
  return used.length === 0 ? 'none' : used.map(([name, n]) => `${name} ${n.toFixed(2)}`).join(', ');
}

// valgrind runs node some 50x slower: the targets' Redis timeouts would answer 503s.
process.env.BENCH_REDIS_TIMEOUT = '60000';

/** One row under callgrind against its own redis-server (so the command counts are its own). */
async function measure(row: string): Promise<string> {
  const [module, variant] = row.split(':') as [string, string];
  const redis = await startRedis();
  process.env[REDIS_URL_ENV] = redis.url;
  const out = join(tmpdir(), `tsgi-callgrind-${process.pid}-${module}-${variant}.out`);
  try {
    // spawn() copies the environment at once, before another row can set its own URL.
    const server = await start(module, variant, out);
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let commands = '';
    try {
      await get(server.port, agent, WARMUP);
      execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
      const before = commandStats(redis.port);
      await get(server.port, agent, N);
      execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
      commands = perRequest(before, commandStats(redis.port));
    } finally {
      agent.destroy();
      await server.stop();
    }
    const measured = summary(`${out}.2`);
    return `${row.padEnd(36)} ${Math.round(measured / N).toLocaleString('en').padStart(10)} instructions/request; Redis commands/request: ${commands}`;
  } finally {
    for (const suffix of ['', '.1', '.2']) rmSync(`${out}${suffix}`, { force: true });
    await redis.stop();
  }
}

// The rows run side by side (each count is its own process's): a loaded machine gives them more time together.
const results = await Promise.all(rows.map((row) => measure(row).catch((error: unknown) => `${row}: failed: ${String(error)}`)));
console.log(`${N} requests measured after ${WARMUP}, ${CONNECTIONS} keep-alive connections`);
for (const line of results) console.log(line);
