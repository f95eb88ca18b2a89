/**
 * CPU per request of the bench/gzip/server.ts servers under load, by the kernel's
 * tick counts, split into the main thread and the other threads (libuv's pool, where
 * async zlib runs; V8's GC and compiler helpers):
 *
 * `taskset -c 1 npx tsx bench/gzip/ticks.ts [targets] [--runs 5] [--requests 400]
 * [--warmup 200] [--connections 50] [--tag name] [--no-build]`
 *
 * Each server runs pinned to core 0 (`taskset -c 0`), the load comes from this process
 * (pin it to the other core). The targets are measured in turn, round after round, so a
 * change in the machine's load falls on all of them; the medians are printed at the end.
 * utime+stime of every thread is read from /proc/<pid>/task/<tid>/stat before and after
 * the measured requests (a thread that ended between would be lost: the pool's threads
 * and V8's live as long as the process). With `--tag a,b` the same target names are run
 * from two bundles built by `bench/gzip/cost.ts --tag a` and `--tag b`, alternated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const VALUED = new Set(['--warmup', '--requests', '--connections', '--runs', '--tag']);
const targets = args.filter((a, i) => !a.startsWith('--') && !VALUED.has(args[i - 1]!));
const tagAt = args.indexOf('--tag');
const tags = tagAt === -1 ? [''] : args[tagAt + 1]!.split(',');
const RUNS = option('--runs', 5);
const REQUESTS = option('--requests', 400);
const WARMUP = option('--warmup', 200);
const CONNECTIONS = option('--connections', 50);
const TICK_US = 1e6 / 100; // CLK_TCK is 100 on Linux

const bundle = (tag: string): string => `node_modules/.cache/tsgi-gzip-cost${tag === '' ? '' : `/${tag}`}/server.mjs`;

interface Ticks {
  main: number;
  others: number;
  /** Ticks of the other threads by name (libuv-worker, V8 DefaultWorke...). */
  byName: Map<string, number>;
}

function ticks(pid: number): Ticks {
  let main = 0;
  let others = 0;
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the command name (which may hold spaces) start after ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const used = Number(fields[11]) + Number(fields[12]);
    if (Number(tid) === pid) main += used;
    else {
      others += used;
      byName.set(name, (byName.get(name) ?? 0) + used);
    }
  }
  return { main, others, byName };
}

function load(port: string, amount: number): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}/api/v1/items/42`, connections: CONNECTIONS, amount, headers: { 'accept-encoding': 'gzip' } },
      (error, result) =>
        error ? reject(error) : result.non2xx + result.errors > 0 ? reject(new Error(`${result.errors} errors`)) : resolve(result.requests.average),
    );
  });
}

function start(entry: string, target: string): Promise<{ child: ChildProcess; port: string }> {
  const child = spawn('taskset', ['-c', '0', 'node', entry, target], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ child, port: m[1]! });
    });
    child.once('exit', () => reject(new Error(`${target} exited before READY`)));
  });
}

async function measure(tag: string, target: string): Promise<{ main: number; others: number; rps: number; split: string }> {
  const { child, port } = await start(bundle(tag), target);
  await load(port, WARMUP);
  const before = ticks(child.pid!);
  const t0 = process.hrtime.bigint();
  await load(port, REQUESTS);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = ticks(child.pid!);
  child.stdin!.end();
  await new Promise((resolve) => child.once('exit', resolve));
  const split = [...after.byName]
    .map(([name, n]) => `${name} ${(((n - (before.byName.get(name) ?? 0)) * TICK_US) / REQUESTS).toFixed(0)}`)
    .join(', ');
  return {
    split,
    main: ((after.main - before.main) * TICK_US) / REQUESTS,
    others: ((after.others - before.others) * TICK_US) / REQUESTS,
    rps: REQUESTS / seconds,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

void (async () => {
  const rows = new Map<string, { main: number[]; others: number[]; rps: number[] }>();
  for (let run = 0; run < RUNS; run++) {
    for (const target of targets) {
      for (const tag of tags) {
        const name = tag === '' ? target : `${tag}:${target}`;
        const m = await measure(tag, target);
        const row = rows.get(name) ?? { main: [], others: [], rps: [] };
        row.main.push(m.main);
        row.others.push(m.others);
        row.rps.push(m.rps);
        rows.set(name, row);
        console.log(`run ${run + 1} ${name.padEnd(26)} main ${m.main.toFixed(0).padStart(6)} us  others ${m.others.toFixed(0).padStart(6)} us  total ${(m.main + m.others).toFixed(0).padStart(6)} us/req  ${m.rps.toFixed(0)} req/s  (${m.split})`);
      }
    }
  }
  console.log(`\nmedians over ${RUNS} runs, ${REQUESTS} requests after ${WARMUP}, ${CONNECTIONS} connections (us of CPU a request):`);
  for (const [name, row] of rows) {
    const totals = row.main.map((m, i) => m + row.others[i]!);
    console.log(`${name.padEnd(26)} main ${median(row.main).toFixed(0).padStart(6)}  others ${median(row.others).toFixed(0).padStart(6)}  total ${median(totals).toFixed(0).padStart(6)}  req/s ${median(row.rps).toFixed(0)}`);
  }
})();
