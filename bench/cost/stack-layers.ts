/**
 * The stack scenario's layers one by one, in process, counted by callgrind (main thread):
 * `npx tsx bench/cost/stack-layers.ts [row ...] [--n 2000] [--tag name] [--nobuild]`.
 *
 * Each row (bench/cost/stack-layers-child.ts) is one request of the `stack` scenario
 * (GET /api/v1/items/42 with the bench's Authorization, Accept-Encoding, Referer and
 * User-Agent): the app called directly with a fresh environ built as serve() builds it,
 * its array body walked and closed as the gateway does; or, for the `hand:` rows, what
 * bench/targets/raw-node.ts's stack does for that layer. The row runs in its own node
 * under callgrind (`--interrupt-budget=8192`, as socket.ts: the JIT reaches its steady
 * state within the warm-up), gets 1500 requests, has its counters zeroed
 * (`callgrind_control -z`), gets `--n` more, and is dumped: the instructions of exactly
 * those requests. The difference of two rows is a layer's cost: `auth - app` is
 * basicAuth(), `log+app - app` accessLog(), `gzip+auth - auth - zlib` gzip()'s own work
 * around the compression every stack does (`LEVEL=0` in the environment: zlib's stored
 * blocks, so deflate's work does not drown the layer's).
 *
 * `--tag before --nobuild` runs a bundle built earlier as `stack-layers.before.mjs`
 * (e.g. with esbuild's `--alias:@tsgi/auth=<old sources>/index.ts`), for a before/after pair.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROWS = ['env', 'app', 'auth', 'log+app', 'gzip+auth', 'stack', 'zlib', 'zlib-gzipSync', 'hand:auth', 'hand:log'];
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1]!;
};
const n = Number(option('--n', '2000'));
const tag = option('--tag', 'current');
const chosen = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1]?.startsWith('--') && args[i - 1] !== '--nobuild'));
const dir = 'node_modules/.cache/tsgi-cost';
const bundle = `${dir}/stack-layers.${tag}.mjs`;
mkdirSync(dir, { recursive: true });
if (!args.includes('--nobuild')) {
  execFileSync('npx', ['esbuild', 'bench/cost/stack-layers-child.ts', '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--tsconfig=tsconfig.json', '--log-level=warning'], {
    stdio: 'inherit',
  });
}

/** The row's main-thread instructions per request, between the zero and the dump. */
function count(row: string): Promise<number> {
  const prefix = `cgl.${tag}.${process.env.LEVEL ?? ''}.${row.replace(/\W/g, '_')}`;
  const child = spawn('valgrind', ['-q', '--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/${prefix}`, 'node', '--interrupt-budget=8192', bundle, row, String(n)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ZERO_DUMP: '1' },
  });
  const control = (flag: string): void => void execFileSync('callgrind_control', [flag, String(child.pid)], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`${row} exited (${code}) before it was counted`)));
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('WARM\n')) {
        text = text.replace('WARM\n', '');
        control('-z');
        child.stdin.write('go\n');
      }
      if (text.includes('DONE\n')) {
        text = text.replace('DONE\n', '');
        control('-d');
        const main = readdirSync(dir).find((f) => f.startsWith(`${prefix}.1-01`))!;
        const total = Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, main), 'utf8'))?.[1]);
        child.removeAllListeners('exit');
        child.kill('SIGTERM');
        for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(join(dir, f));
        resolve(total / n);
      }
    });
  });
}

const rows = chosen.length ? chosen : ROWS;
console.log(`callgrind, main thread, ${n} requests after 1500, LEVEL=${process.env.LEVEL ?? 'default'}, bundle ${tag}`);
// Side by side: a count does not depend on what else the machine runs. Each row prints when done.
await Promise.all(rows.map(async (row) => console.log(`${row.padEnd(16)} ${Math.round(await count(row)).toLocaleString('en').padStart(10)} Ir/request`)));
