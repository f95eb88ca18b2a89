/**
 * The json-post scenario's server cost in instructions, which a shared machine's load
 * does not move: each target's server (bench/targets/<module>.ts, as `pnpm bench`
 * starts it) runs under `valgrind --tool=callgrind`, gets `--warmup` POSTs of the 10 KB
 * JSON over `--connections` keep-alive connections, then its counts are dumped, then
 * `--n` more POSTs, dumped again: the second dump is the server's user-space
 * instructions for those requests (node's HTTP parser, the gateway, the app, GC). Time
 * in the kernel (socket reads and writes) is not in it; `pnpm bench` measures that.
 *
 *   npx tsc -b tsconfig.build.json   # targets load the built dist/, as in pnpm bench
 *   npx tsx bench/json-post/socket-callgrind.ts [--n 1000] [--warmup 500] [--connections 10] \
 *     [tsgi:json-post tsgi:json-post-core fastify:json-post ...]
 *
 * Prints instructions per request for each `module:scenario`. Slow (valgrind runs node
 * some 50x slower); the numbers are the same on an idle and on a loaded machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_10K, JSON_TYPE, POST_ANSWER, POST_PATH } from '../lib/workload.js';

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
/** `--keep-out`: leave the callgrind files (for callgrind_annotate) and print where. */
const keepOut = args.includes('--keep-out') && args.splice(args.indexOf('--keep-out'), 1).length > 0;
const rows = args.length > 0 ? args : ['tsgi:json-post', 'tsgi:json-post-core', 'fastify:json-post'];

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

function start(module: string, scenario: string, out: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: join(BENCH_DIR, 'tsconfig.dist.json') };
  delete env.NODE_EXTRA_CA_CERTS; // loading extra certificates costs minutes under valgrind
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--import', 'tsx', join(BENCH_DIR, 'lib', 'child.ts'), join(BENCH_DIR, 'targets', `${module}.ts`), scenario],
    { stdio: ['pipe', 'pipe', 'ignore'], cwd: dirname(BENCH_DIR), env },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`${module}:${scenario} exited (${code}) before it was ready`)));
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

/** `count` POSTs over `CONNECTIONS` keep-alive connections, each answer checked. */
async function post(port: number, agent: Agent, count: number): Promise<void> {
  let left = count;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', path: POST_PATH, method: 'POST', agent, headers: { 'content-type': JSON_TYPE, 'content-length': JSON_10K.byteLength } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
          const body = Buffer.concat(chunks);
          if (res.statusCode !== 200 || !body.equals(POST_ANSWER)) reject(new Error(`got ${res.statusCode} ${body.toString()}`));
          else resolve();
        });
      });
      req.on('error', reject).end(JSON_10K);
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

for (const row of rows) {
  const [module, scenario] = row.split(':') as [string, string];
  const out = join(tmpdir(), `tsgi-callgrind-${process.pid}-${module}-${scenario}.out`);
  const server = await start(module, scenario, out);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    await post(server.port, agent, WARMUP);
    execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
    await post(server.port, agent, N);
    execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
  } finally {
    agent.destroy();
    await server.stop();
  }
  const measured = summary(`${out}.2`);
  console.log(`${row.padEnd(24)} ${Math.round(measured / N).toLocaleString('en').padStart(10)} instructions/request (${N} requests after ${WARMUP})`);
  if (keepOut) console.log(`  counts of the measured requests: ${out}.2`);
  else for (const suffix of ['', '.1', '.2']) rmSync(`${out}${suffix}`, { force: true });
}
