/**
 * `pnpm bench`: hello world on raw node:http, tsgi serve(), connect, fastify, hono,
 * koa and express 5. Each server runs in its own child on core 0 (BENCH_SERVER_CPU),
 * autocannon runs here on core 1 (BENCH_LOAD_CPU), all on 127.0.0.1. Prints medians,
 * spread and ratios to node:http from this one run; writes JSON to bench/results/.
 *
 * Environment: BENCH_DURATION (s per round, default 5), BENCH_WARMUP (s, 2),
 * BENCH_ROUNDS (3), BENCH_CONNECTIONS (50), BENCH_PIPELINING (1),
 * BENCH_TARGETS (comma list of bench/targets names), BENCH_SCENARIO ('hello').
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, configFromEnv, hasTaskset, pinSelf, runRounds, startTarget, type RunningTarget } from './lib/harness.js';

const ALL_TARGETS = ['raw-node', 'tsgi', 'connect', 'fastify', 'hono', 'koa', 'express'];
const BASELINE = 'raw-node';

async function main(): Promise<void> {
  const config = configFromEnv();
  const scenario = process.env.BENCH_SCENARIO ?? 'hello';
  const ids = process.env.BENCH_TARGETS ? process.env.BENCH_TARGETS.split(',').map((s) => s.trim()) : ALL_TARGETS;
  if (!ids.includes(BASELINE)) ids.unshift(BASELINE);
  const pinned = pinSelf(config.loadCpu);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgBefore: loadavg(),
    pinned: pinned && hasTaskset,
  };
  console.log(`tsgi bench: ${scenario}, ${config.rounds} rounds x ${config.duration}s, ${config.connections} connections`);
  console.log(`machine: ${machine.cpu} x${machine.cores}, node ${machine.node}, load ${machine.loadavgBefore.map((n) => n.toFixed(2)).join(' ')}`);
  if (!pinned) console.log('taskset not found: servers and load generator are not pinned');

  const targets: RunningTarget[] = [];
  try {
    for (const id of ids) targets.push(await startTarget(id, scenario, config.serverCpu));
    const summaries = await runRounds(targets, config, BASELINE);
    console.log('');
    console.log('| target | req/s (median) | spread | p99 ms | vs node:http |');
    console.log('|---|---:|---:|---:|---:|');
    for (const s of summaries) {
      console.log(
        `| ${s.id} | ${Math.round(s.medianRps)} | ${(s.spread * 100).toFixed(1)}% | ${s.medianP99} | ${s.ratio.toFixed(2)}x |`,
      );
    }
    const dir = join(BENCH_DIR, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ scenario, config, machine: { ...machine, loadavgAfter: loadavg() }, results: summaries }, null, 2) + '\n',
    );
    console.log(`\nwrote ${file}`);
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
