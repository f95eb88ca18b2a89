/**
 * The `logger` and `logger-stack` scenarios' tsgi servers in instructions, which a
 * shared machine's load does not move. Each variant of bench/targets/tsgi.ts
 * (`hello`, `hello+log`, `stack-nolog`, `stack`) is bundled with esbuild (src/ through
 * tsconfig.json's paths, so no build and no TypeScript loader under valgrind), started
 * under `valgrind --tool=callgrind --separate-threads=yes`, sent `--warmup` keep-alive
 * GETs of its scenario (path and headers as `pnpm bench` sends them) over one
 * connection, its counters zeroed, sent `--requests` more, and dumped: the dump is
 * exactly the measured requests (main thread: JavaScript, node's parser, libuv; all
 * threads adds V8's compiler and GC helpers and the log stream's fs writes).
 *
 *   npx tsx bench/logger/callgrind.ts [--warmup 2000] [--requests 2000] [--dir name] [--no-build] [hello hello+log stack-nolog stack]
 *
 * Prints instructions per request for each variant and what the log adds. `--dir`
 * names the bundle's folder, so that a run on a change can go beside one on its base;
 * `--no-build` runs the entry.mjs already there (kept from before a change).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { CACHE } from '../cost/build.js';
import { REQUEST_HEADERS, STACK_PATH } from '../lib/workload.js';

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const value = args[at + 1]!;
  args.splice(at, 2);
  return value;
}
const warmup = Number(option('--warmup', '2000'));
const requests = Number(option('--requests', '2000'));
const dir = join(CACHE, option('--dir', 'logger'));
const noBuild = args.includes('--no-build') && args.splice(args.indexOf('--no-build'), 1).length > 0;
const variants = args.length > 0 ? args : ['hello', 'hello+log', 'stack-nolog', 'stack'];

mkdirSync(dir, { recursive: true });
const entrySource = join(dir, 'entry.ts');
// The target module, started for one variant; READY <port>, exits when stdin closes.
if (!noBuild) writeFileSync(
  entrySource,
  `import target from '${join(process.cwd(), 'bench/targets/tsgi.ts')}';\n` +
    `void target.start(process.argv[2]!, 0).then((s) => { process.stdout.write('READY ' + s.port + '\\n'); process.stdin.on('close', () => process.exit(0)).resume(); });\n`,
);
const entry = join(dir, 'entry.mjs');
if (!noBuild) execFileSync('npx', ['esbuild', entrySource, '--bundle', '--platform=node', '--format=esm', `--outfile=${entry}`,
  '--tsconfig=tsconfig.json', '--log-level=error', '--external:fastify', '--external:ws', '--external:ioredis',
  '--external:@opentelemetry/*', '--external:express', '--external:koa', '--external:hono',
  // CJS dependencies bundled into ESM call require(); give them one.
  "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"], { stdio: 'inherit' });

function get(port: number, agent: Agent, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: REQUEST_HEADERS }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`got ${res.statusCode} for ${path}`));
      res.on('data', () => {}).on('end', resolve).on('error', reject);
    });
    req.on('error', reject).end();
  });
}

async function send(port: number, path: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < count; i++) {
    // On a loaded machine the server can close an idle keep-alive connection (its
    // keepAliveTimeout) while this client waits for a core: once more, on a new one.
    await get(port, agent, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') throw error;
      return get(port, agent, path);
    });
  }
  agent.destroy();
}

function totals(prefix: string): { main: number; all: number } {
  let main = 0;
  let all = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix) && /\.1-\d+$/.test(f)).sort()) {
    const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? 0);
    if (file.endsWith('-01')) main = total;
    all += total;
  }
  for (const file of readdirSync(dir)) if (file.startsWith(prefix)) rmSync(join(dir, file));
  return { main, all };
}

async function measure(variant: string): Promise<{ main: number; all: number }> {
  const prefix = `cg.${variant.replace(/\W/g, '_')}`;
  for (const file of readdirSync(dir)) if (file.startsWith(prefix)) rmSync(join(dir, file));
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_LOG_FILE: '/dev/null' };
  delete env.NODE_EXTRA_CA_CERTS; // loading extra certificates costs minutes under valgrind
  const child = spawn('valgrind', ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/${prefix}.%p`,
    process.execPath, entry, variant], { stdio: ['pipe', 'pipe', 'ignore'], env });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`${variant} exited before READY`)));
  });
  const path = variant.startsWith('stack') ? STACK_PATH : '/';
  await send(port, path, warmup);
  execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
  await send(port, path, requests);
  execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  const { main, all } = totals(`${prefix}.${child.pid}`);
  return { main: main / requests, all: all / requests };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en').padStart(9);
const results = new Map<string, { main: number; all: number }>();
for (const variant of variants) {
  const r = await measure(variant);
  results.set(variant, r);
  console.log(`${variant.padEnd(12)} main thread ${fmt(r.main)} Ir/request, all threads ${fmt(r.all)}`);
}
for (const [bare, logged] of [['hello', 'hello+log'], ['stack-nolog', 'stack']] as const) {
  const a = results.get(bare);
  const b = results.get(logged);
  if (a && b) console.log(`${logged} / ${bare}: main ${(b.main / a.main).toFixed(3)}x (+${fmt(b.main - a.main).trim()}), all ${(b.all / a.all).toFixed(3)}x (+${fmt(b.all - a.all).trim()})`);
}
console.log(`warmup ${warmup}, ${requests} requests measured, one keep-alive connection`);
