/**
 * What a 405 costs against a match of the same path, on both sides: CPU time per
 * dispatch (`process.cpuUsage`) of the dispatch bench's 405 class (a DELETE to paths
 * only other methods answer) and of GET to the same paths, through `router()` and
 * through find-my-way's `lookup()`, in one process, interleaved rounds after a warm-up:
 *
 *   npx tsx bench/router/miss-floor.ts [--rounds 15] [--n 200000]
 *
 * A 405 must know that the path exists (RFC 9110 15.5.6: the resource is there, the
 * method is not), which takes a match of the path whatever the method; find-my-way's
 * miss looks the path up in the DELETE tree only and gives up where that tree ends, so
 * it never learns whether the path exists (its answer is a 404). The table's last
 * column is each side's 405 (or miss) over its own match of the same paths.
 */
import { DISPATCH_CLASSES, findMyWayDispatcher, tsgiDispatcher, type Dispatch, type Request } from './dispatch.js';
import { githubRoutes } from './github-routes.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const rounds = option('--rounds', 15);
const perRound = option('--n', 200_000);

const misses = DISPATCH_CLASSES['405']!;
const matches: Request[] = misses.map(([, path]) => ['GET', path]);
const tsgi = tsgiDispatcher(githubRoutes);
const fmw = findMyWayDispatcher(githubRoutes);
const rows: Array<{ name: string; dispatch: Dispatch; requests: Request[] }> = [
  { name: 'tsgi router() 405', dispatch: tsgi, requests: misses },
  { name: 'tsgi router() GET', dispatch: tsgi, requests: matches },
  { name: 'find-my-way DELETE miss', dispatch: fmw, requests: misses },
  { name: 'find-my-way GET', dispatch: fmw, requests: matches },
];

/** CPU nanoseconds per dispatch over `count` dispatches taken in turn from `requests`. */
function cpuPerDispatch(dispatch: Dispatch, requests: Request[], count: number): number {
  const n = requests.length;
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) dispatch(requests[i % n]![0], requests[i % n]![1]);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / count;
}

for (const row of rows) cpuPerDispatch(row.dispatch, row.requests, 300_000);
const samples = rows.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) rows.forEach((row, i) => samples[i]!.push(cpuPerDispatch(row.dispatch, row.requests, perRound)));
const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[values.length >> 1]!;
const ns = samples.map(median);

console.log(`405 class: ${misses.length} paths; CPU ns per dispatch, median of ${rounds} rounds of ${perRound} (min in brackets)`);
console.table(
  rows.map((row, i) => ({
    row: row.name,
    'ns/dispatch': `${ns[i]!.toFixed(0)} (${Math.min(...samples[i]!).toFixed(0)})`,
    'miss / own match': i % 2 === 0 ? (ns[i]! / ns[i + 1]!).toFixed(2) + 'x' : '',
  })),
);
console.log(`tsgi 405 vs find-my-way miss: ${(ns[2]! / ns[0]!).toFixed(2)}x; tsgi GET vs find-my-way GET on the same paths: ${(ns[3]! / ns[1]!).toFixed(2)}x`);
