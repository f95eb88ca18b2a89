/**
 * What cors(), secureHeaders(), rateLimit() and otel() cost a request in process, by
 * CPU time: the rows of rows.ts, `process.cpuUsage()` (user + system, every thread:
 * zlib and the log stream's writes count) divided by the requests, in interleaved
 * rounds of alternating order, median kept. On a shared machine CPU time per request
 * still moves with the load (hyperthreads and caches are shared: gzip of 10 KB took
 * 60 us at load 2 and 140 us at load 14 here), so compare rows of one run;
 * instructions.bench.ts counts instructions, which the load does not change.
 *
 * Rows run in one process: once an SDK row has run, its AsyncLocalStorage context
 * manager taxes every row after it (the instruction counts run each row alone).
 *
 *   npx tsx bench/websec/cost.bench.ts
 *   BENCH_ROWS=hello+cors,hello+rateLimit npx tsx bench/websec/cost.bench.ts
 *
 * Environment: BENCH_ROUNDS (7), BENCH_ROUND_REQUESTS (20000), BENCH_ROWS (comma list
 * of row names, with their bases; default all). Prints CPU us per request, added over
 * the row's base, and base/row.
 */
import { loadavg } from 'node:os';
import { runRequests, selectRows, stopSdk, type Row } from './rows.js';

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function cpuPerRequest(request: () => void | Promise<void>, n: number): Promise<number> {
  const before = process.cpuUsage();
  await runRequests(request, n);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

async function main(): Promise<void> {
  const rows = selectRows(process.env.BENCH_ROWS);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const n = Number(process.env.BENCH_ROUND_REQUESTS ?? 20_000);
  const load = loadavg();
  const requests = new Map<Row, () => void | Promise<void>>(rows.map((row) => [row, row.make()]));
  for (const row of rows) await cpuPerRequest(requests.get(row)!, n); // warm-up
  const samples = new Map<Row, number[]>(rows.map((r) => [r, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? rows : [...rows].reverse();
    for (const row of order) samples.get(row)!.push(await cpuPerRequest(requests.get(row)!, n));
  }
  const us = new Map(rows.map((r) => [r.name, median(samples.get(r)!)]));
  console.log(`In process, CPU us per request (median of ${rounds} rounds x ${n} requests; node ${process.version}; load ${load.map((x) => x.toFixed(1)).join(' ')})`);
  console.log('| row | CPU us/req | min..max | added | base/row |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const cpu = us.get(r.name)!;
    const base = us.get(r.base) ?? Number.NaN;
    const spread = samples.get(r)!;
    const own = r.name === r.base;
    console.log(
      `| ${r.name} | ${cpu.toFixed(2)} | ${Math.min(...spread).toFixed(2)}..${Math.max(...spread).toFixed(2)} | ${own ? '' : `${cpu >= base ? '+' : ''}${(cpu - base).toFixed(2)}`} | ${own ? '' : (base / cpu).toFixed(3)} |`,
    );
  }
  await stopSdk();
}

await main();
