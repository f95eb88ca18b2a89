/**
 * `pnpm bench`'s command line and the rule for goals. Options are few (`--help`,
 * `--save`); what to run is chosen with the BENCH_* variables, listed in the help.
 * An ad-hoc run writes to bench/results/adhoc/ (git-ignored), so trying a scenario
 * never rewrites the tracked bench/results/latest.json; `--save` writes there.
 *
 * A goal is met when its ratio, rounded to the two decimals it is printed with,
 * reaches the goal: "0.95x" is never shown as a miss of a 0.95x goal.
 *
 * @example
 * const options = parseBenchArgs(process.argv.slice(2)); // { help: false, save: true }
 * @module
 */
import { join } from 'node:path';
import { GROUPS, SCENARIOS } from './scenarios.js';

/** The names BENCH_SCENARIOS takes, from the scenario table itself, wrapped for the help. */
function scenarioNames(indent: string, width = 78): string {
  const names = [...SCENARIOS.map((s) => s.name), 'router', ...Object.keys(GROUPS).filter((g) => g !== 'all')];
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line === '' ? name : `${line}, ${name}`;
    if (indent.length + next.length > width && line !== '') {
      lines.push(line + ',');
      line = name;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.join('\n' + indent);
}

export const BENCH_HELP = `Usage: pnpm bench [--save] [--help]

Runs the benchmark scenarios (bench/lib/scenarios.ts): each row's server in its own
process, autocannon against it, in interleaved rounds; prints ratios to node:http.
The whole suite takes about 9 minutes; choose less with BENCH_SCENARIOS.

Options:
  --save     write results to bench/results/ (latest.json is what bench/report.ts
             turns into docs/benchmarks.md); without it they go to
             bench/results/adhoc/, which git ignores
  --help     this text

Environment:
  BENCH_SCENARIOS    comma list of scenarios or groups; default all:
                     ${scenarioNames('                     ')}
  BENCH_TARGETS      comma list of row ids to keep (the baseline is always kept)
  BENCH_DURATION     seconds per round (5)       BENCH_WARMUP   seconds (2)
  BENCH_ROUNDS       rounds (3)                  BENCH_CONNECTIONS  connections (50)
  BENCH_PIPELINING   requests in flight per connection (1)
  BENCH_FRESH        1: a new server process per round (default); 0: keep them
  BENCH_SERVER_CPU, BENCH_LOAD_CPU   cores to pin servers and load to (0, 1)

Example: BENCH_SCENARIOS=hello BENCH_ROUNDS=1 pnpm bench
`;

export interface BenchOptions {
  help: boolean;
  save: boolean;
}

/** Parses `pnpm bench` arguments; throws with the help's first line on anything else. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { help: false, save: false };
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--save') options.save = true;
    else throw new TypeError(`pnpm bench: unknown argument ${JSON.stringify(arg)}; usage: pnpm bench [--save] [--help]`);
  }
  return options;
}

/** Where a run writes its results: the tracked folder with --save, else the ignored adhoc/ beneath it. */
export function resultsDir(benchDir: string, save: boolean): string {
  const results = join(benchDir, 'results');
  return save ? results : join(results, 'adhoc');
}

/** A ratio as printed: two decimals. */
export const shownRatio = (ratio: number): string => ratio.toFixed(2);

/** Met when the ratio, rounded as it is printed, reaches `min`. */
export function goalMet(ratio: number, min: number): boolean {
  return Number(shownRatio(ratio)) >= min;
}
