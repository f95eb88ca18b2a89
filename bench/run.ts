/**
 * `pnpm bench`: the suite. Every HTTP scenario of bench/lib/scenarios.ts (hello,
 * stack, json-post, gzip-10k, gzip-small, gzip-1mb, logger, wrap) is one table: each row's server
 * runs in its own child on core 0 (BENCH_SERVER_CPU), autocannon runs here on core 1
 * (BENCH_LOAD_CPU), all on 127.0.0.1, in interleaved rounds. Ratios are to the
 * scenario's node:http row and to its tsgi row, from the same run. `router` runs
 * bench/router/router.bench.ts (the matcher lookup, then dispatch through router() against
 * find-my-way's lookup by request class) in a pinned child; `websocket` runs
 * bench/websocket/websocket.bench.ts (echo round trips and 1 KB messages against plain
 * `ws`, @hono/node-ws and crossws).
 *
 * With `--save`, writes bench/results/<scenario>-<time>.json per scenario and
 * bench/results/latest.json (every scenario of this run, merged over the previous
 * latest.json); then `npx tsx bench/report.ts` turns latest.json into
 * docs/benchmarks.md's tables and docs/benchmarks.svg. Without it, the same files go to
 * bench/results/adhoc/ (git-ignored). `pnpm bench --help` lists the options.
 *
 * Environment: BENCH_SCENARIOS (comma list; `gzip` = the three gzip tables; default
 * all), BENCH_DURATION (s per round, 5), BENCH_WARMUP (s, 2), BENCH_ROUNDS (3),
 * BENCH_CONNECTIONS (50), BENCH_PIPELINING (1), BENCH_FRESH (1: a new process per round), BENCH_TARGETS (comma list of row ids
 * to keep; the baseline is always kept).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_HELP, goalMet, parseBenchArgs, resultsDir, shownRatio, type BenchOptions } from './lib/options.js';
import { BENCH_DIR, configFromEnv, hasTaskset, pinSelf, runRounds, startTarget, type BenchConfig, type RunningTarget } from './lib/harness.js';
import type { RowJson } from './lib/render.js';
import { SCENARIOS, selectScenarios, type Row, type Scenario } from './lib/scenarios.js';
import { REDIS_URL_ENV } from './lib/target.js';
import { startRedis } from '../packages/redis/test/redis-server.js';

const options = ((): BenchOptions => {
  try {
    return parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
})();
const RESULTS = resultsDir(BENCH_DIR, options.save);
const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

/** A row as run.ts writes it: every field of the report's RowJson is present. */
export interface RowResult extends RowJson {
  /** Median server CPU microseconds per response. */
  cpuPerRequest: number;
  /** The baseline's CPU per response / this row's: a req/s ratio the load generator cannot cap. */
  cpuRatio: number;
  errors: number;
  non2xx: number;
  rounds: number[];
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  what: string;
  date: string;
  config: BenchConfig;
  loadavg: { before: number[]; after: number[] };
  baseline: string;
  tsgi: string;
  results: RowResult[];
  goals: Array<{ text: string; ratio: number; cpuRatio: number; min: number; met: boolean }>;
}

async function runScenario(scenario: Scenario, config: BenchConfig, keep: Set<string> | undefined): Promise<ScenarioResult> {
  const rows = scenario.rows.filter((row) => !keep || keep.has(row.id) || row.id === scenario.baseline || row.id === scenario.tsgi);
  console.log(`\n## ${scenario.name}: ${scenario.what}`);
  const before = loadavg();
  const start = (row: Row): Promise<RunningTarget> =>
    startTarget(row.module, row.variant, config.serverCpu, {
      label: row.id,
      path: scenario.path,
      headers: scenario.headers,
      method: scenario.method,
      body: scenario.body,
      nodeFlags: row.nodeFlags,
    });
  const targets: RunningTarget[] = [];
  // The targets inherit this process's environment, with the Redis URL.
  const redis = scenario.redis ? await startRedis() : undefined;
  if (redis !== undefined) process.env[REDIS_URL_ENV] = redis.url;
  try {
    for (const row of rows) targets.push(await start(row));
    const fresh = process.env.BENCH_FRESH !== '0';
    const restart = async (target: RunningTarget): Promise<RunningTarget> => {
      const row = rows.find((r) => r.id === target.id)!;
      await target.stop();
      return start(row);
    };
    const summaries = await runRounds(targets, config, scenario.baseline, console.log, fresh ? restart : undefined);
    const tsgiRps = summaries.find((s) => s.id === scenario.tsgi)?.medianRps ?? Number.NaN;
    const baseCpu = summaries.find((s) => s.id === scenario.baseline)?.medianCpu ?? Number.NaN;
    const results: RowResult[] = summaries.map((s) => ({
      id: s.id,
      medianRps: s.medianRps,
      spread: s.spread,
      medianP99: s.medianP99,
      ratio: s.ratio,
      ratioToTsgi: s.medianRps / tsgiRps,
      cpuPerRequest: s.medianCpu,
      cpuRatio: baseCpu / s.medianCpu,
      errors: s.rounds.reduce((n, r) => n + r.errors, 0),
      non2xx: s.rounds.reduce((n, r) => n + r.non2xx, 0),
      rounds: s.rounds.map((r) => r.requestsPerSec),
    }));
    const byId = new Map(results.map((r) => [r.id, r]));
    const goals = scenario.goals
      .filter((g) => [g.row, g.vs, g.peer?.row, g.peer?.vs].every((id) => id === undefined || byId.has(id)))
      .map((g) => {
        const kept = (rowId: string, vsId: string): { rps: number; cpu: number } => {
          const row = byId.get(rowId)!;
          const vs = byId.get(vsId)!;
          return { rps: row.medianRps / vs.medianRps, cpu: vs.cpuPerRequest / row.cpuPerRequest };
        };
        const own = kept(g.row, g.vs);
        const peer = g.peer === undefined ? { rps: 1, cpu: 1 } : kept(g.peer.row, g.peer.vs);
        const ratio = own.rps / peer.rps;
        return { text: g.text, ratio, cpuRatio: own.cpu / peer.cpu, min: g.min, met: goalMet(ratio, g.min) };
      });
    printTable(results, scenario);
    for (const g of goals) console.log(`${g.met ? 'met ' : 'MISS'} ${g.text}: ${shownRatio(g.ratio)}x req/s, ${shownRatio(g.cpuRatio)}x by CPU per request`);
    return {
      scenario: scenario.name,
      title: scenario.title,
      what: scenario.what,
      date: new Date().toISOString(),
      config,
      loadavg: { before, after: loadavg() },
      baseline: scenario.baseline,
      tsgi: scenario.tsgi,
      results,
      goals,
    };
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
    await redis?.stop();
  }
}

function printTable(results: readonly RowResult[], scenario: Scenario): void {
  console.log('');
  console.log(`| ${scenario.name} | req/s (median) | spread | p99 ms | vs node:http | vs tsgi | CPU us/req | vs node:http by CPU |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const flags = r.errors + r.non2xx > 0 ? ` (${r.errors} errors, ${r.non2xx} non-2xx)` : '';
    console.log(
      `| ${r.id}${flags} | ${Math.round(r.medianRps)} | ${(r.spread * 100).toFixed(1)}% | ${r.medianP99} | ${r.ratio.toFixed(2)}x | ${r.ratioToTsgi.toFixed(2)}x | ${r.cpuPerRequest.toFixed(1)} | ${r.cpuRatio.toFixed(2)}x |`,
    );
  }
}

/** The router lookup and dispatch micro-benchmarks, in their own pinned process; they write bench/results/router.json. */
function runRouterBench(cpu: string): unknown {
  console.log('\n## router: lookup and dispatch micro-benchmarks (bench/router/router.bench.ts)');
  const script = join(BENCH_DIR, 'router', 'router.bench.ts');
  const args = ['--import', 'tsx', script];
  const [command, argv] = hasTaskset ? ['taskset', ['-c', cpu, process.execPath, ...args]] : [process.execPath, args];
  execFileSync(command, argv as string[], { stdio: 'inherit', cwd: join(BENCH_DIR, '..') });
  return JSON.parse(readFileSync(join(BENCH_DIR, 'results', 'router.json'), 'utf8'));
}

async function main(): Promise<void> {
  if (options.help) {
    process.stdout.write(BENCH_HELP);
    return;
  }
  const config = configFromEnv();
  const names = selectScenarios(process.env.BENCH_SCENARIOS);
  const keep = process.env.BENCH_TARGETS ? new Set(process.env.BENCH_TARGETS.split(',').map((s) => s.trim())) : undefined;
  const pinned = pinSelf(config.loadCpu);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    pinned: pinned && hasTaskset,
  };
  const command = `${['BENCH_SCENARIOS', 'BENCH_DURATION', 'BENCH_WARMUP', 'BENCH_ROUNDS', 'BENCH_CONNECTIONS', 'BENCH_PIPELINING', 'BENCH_TARGETS', 'BENCH_FRESH']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]} `)
    .join('')}pnpm bench${options.save ? ' --save' : ''}`;
  console.log(`tsgi bench: ${names.join(', ')}; ${config.rounds} rounds x ${config.duration}s, ${config.connections} connections`);
  console.log(`machine: ${machine.cpu} x${machine.cores}, node ${machine.node}, load ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  if (!pinned) console.log('taskset not found: servers and load generator are not pinned');

  mkdirSync(RESULTS, { recursive: true });
  const latestFile = join(RESULTS, 'latest.json');
  const latest = existsSync(latestFile) ? (JSON.parse(readFileSync(latestFile, 'utf8')) as { scenarios?: Record<string, unknown> }) : {};
  const scenarios: Record<string, unknown> = { ...latest.scenarios };
  for (const name of names) {
    if (name === 'router') {
      scenarios.router = { scenario: 'router', date: new Date().toISOString(), ...(runRouterBench(config.serverCpu) as object) };
      continue;
    }
    if (name === 'websocket') {
      // Its own harness (autocannon speaks HTTP only): echo round trips and 1 KB messages vs ws, @hono/node-ws, crossws.
      console.log('\n## websocket: echo round trips and 1 KB messages (bench/websocket/websocket.bench.ts)');
      execFileSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'websocket', 'websocket.bench.ts')], { stdio: 'inherit', cwd: join(BENCH_DIR, '..') });
      continue;
    }
    const result = await runScenario(SCENARIOS.find((s) => s.name === name)!, config, keep);
    const file = join(RESULTS, `${name}-${stamp()}.json`);
    writeFileSync(file, JSON.stringify({ ...result, machine, command }, null, 2) + '\n');
    console.log(`wrote ${file}`);
    scenarios[name] = { ...result, command };
  }
  writeFileSync(latestFile, JSON.stringify({ machine, command, date: new Date().toISOString(), scenarios }, null, 2) + '\n');
  console.log(
    options.save
      ? `\nwrote ${latestFile}; run \`npx tsx bench/report.ts\` for docs/benchmarks.md and docs/benchmarks.svg`
      : `\nwrote ${latestFile} (ad hoc, git-ignored; \`pnpm bench --save\` writes bench/results/latest.json for the report)`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
