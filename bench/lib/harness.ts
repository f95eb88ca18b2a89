/**
 * The reusable part of every HTTP bench: start targets in child processes pinned to
 * one core, load them with autocannon from this process on another core, and run
 * interleaved rounds. run.ts drives it from the scenario table in scenarios.ts: each
 * row is a target module started with a variant, loaded on the scenario's request.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median, rotate, spread } from './stats.js';

const LIB = dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = dirname(LIB);

export interface BenchConfig {
  /** Seconds of load per target per round. */
  duration: number;
  /** Seconds of warm-up load per target before the first round. */
  warmup: number;
  rounds: number;
  connections: number;
  pipelining: number;
  /** CPU list for the servers and for the load generator, when `taskset` exists. */
  serverCpu: string;
  loadCpu: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const number = (name: string, fallback: number): number => {
    const value = env[name] === undefined ? fallback : Number(env[name]);
    if (!(value > 0)) throw new TypeError(`${name} must be a positive number, got ${env[name]}`);
    return value;
  };
  return {
    duration: number('BENCH_DURATION', 5),
    warmup: number('BENCH_WARMUP', 2),
    rounds: number('BENCH_ROUNDS', 3),
    connections: number('BENCH_CONNECTIONS', 50),
    pipelining: number('BENCH_PIPELINING', 1),
    serverCpu: env.BENCH_SERVER_CPU ?? '0',
    loadCpu: env.BENCH_LOAD_CPU ?? '1',
  };
}

export const hasTaskset = ((): boolean => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pins this process (all its threads) to `cpu`, so the load generator keeps off the server's core. */
export function pinSelf(cpu: string): boolean {
  if (!hasTaskset) return false;
  execFileSync('taskset', ['-a', '-cp', cpu, String(process.pid)], { stdio: 'ignore' });
  return true;
}

export interface RunningTarget {
  id: string;
  /** The benchmarked URL: the target's origin and the scenario's path. */
  url: string;
  /** Request headers autocannon sends (Authorization, Accept-Encoding, ...). */
  headers?: Readonly<Record<string, string>>;
  /** The request's method and body. @default 'GET', none */
  method?: string;
  body?: Buffer;
  child: ChildProcess;
  /** The server process's user + system CPU time so far, in microseconds. */
  cpuTime(): Promise<number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The row's name in tables. @default the module name */
  label?: string;
  /** @default '/' */
  path?: string;
  headers?: Readonly<Record<string, string>>;
  method?: string;
  body?: Buffer;
  /** Flags for the server's node, before the script. */
  nodeFlags?: readonly string[];
}

/** Starts `bench/targets/<module>.ts` for `scenario` in a child pinned to `cpu`. */
export function startTarget(module: string, scenario: string, cpu: string, options: StartOptions = {}): Promise<RunningTarget> {
  const id = options.label ?? module;
  const modulePath = join(BENCH_DIR, 'targets', `${module}.ts`);
  if (!existsSync(modulePath)) throw new Error(`no bench target ${modulePath}`);
  const nodeArgs = [...(options.nodeFlags ?? []), '--import', 'tsx', join(LIB, 'child.ts'), modulePath, scenario];
  const [command, args] = hasTaskset ? ['taskset', ['-c', cpu, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(command, args as string[], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: dirname(BENCH_DIR),
    // @tsgi/* from each package's built dist/ (`pnpm bench` builds first), as users run it.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(BENCH_DIR, 'tsconfig.dist.json') },
  });
  const waiting: Array<(micros: number) => void> = [];
  let ready = false;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready) {
        let newline: number;
        while ((newline = out.indexOf('\n')) >= 0) {
          const line = out.slice(0, newline);
          out = out.slice(newline + 1);
          if (line.startsWith('CPU ')) waiting.shift()?.(Number(line.slice(4)));
        }
        return;
      }
      const match = /READY (\d+)\n/.exec(out);
      if (!match) return;
      ready = true;
      out = out.slice(match.index + match[0].length);
      resolve({
        id,
        url: `http://127.0.0.1:${match[1]}${options.path ?? '/'}`,
        headers: options.headers,
        method: options.method,
        body: options.body,
        child,
        cpuTime: () =>
          new Promise<number>((done) => {
            waiting.push(done);
            child.stdin!.write('cpu\n');
          }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`bench target ${id} exited with ${code} before it was ready`)));
  });
}

export interface LoadResult {
  requestsPerSec: number;
  latencyP50: number;
  latencyP99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** Server CPU time per response, in microseconds: robust where throughput is not (a busy machine, a saturated load generator). */
  cpuPerRequest: number;
}

export async function load(
  url: string,
  seconds: number,
  config: BenchConfig,
  headers?: Readonly<Record<string, string>>,
  request: { method?: string; body?: Buffer } = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    headers: headers === undefined ? undefined : { ...headers },
    method: (request.method ?? 'GET') as autocannon.Request['method'],
    body: request.body,
    connections: config.connections,
    pipelining: config.pipelining,
    duration: seconds,
  });
  return {
    requestsPerSec: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
    cpuPerRequest: Number.NaN,
  };
}

export interface TargetSummary {
  id: string;
  rounds: LoadResult[];
  medianRps: number;
  spread: number;
  medianP99: number;
  /** Median server CPU microseconds per response. */
  medianCpu: number;
  /** medianRps / the baseline's medianRps from the same run. */
  ratio: number;
}

/**
 * Warms every target up, then runs `rounds` rounds; each round loads every target
 * once, starting from a different one, so drift on a busy machine hits all alike.
 */
export async function runRounds(
  targets: RunningTarget[],
  config: BenchConfig,
  baseline: string,
  log: (line: string) => void = console.log,
  restart?: (target: RunningTarget) => Promise<RunningTarget>,
): Promise<TargetSummary[]> {
  for (const target of targets) {
    log(`warm-up ${target.id} (${config.warmup}s)`);
    await load(target.url, config.warmup, config, target.headers, target);
  }
  const results = new Map<string, LoadResult[]>(targets.map((target) => [target.id, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (let target of rotate(targets, round)) {
      if (restart !== undefined && round > 0) {
        // A new process each round: V8 settles some processes into a slower steady
        // state (GC and tiering decisions made early), which a median over rounds of
        // one process cannot average out; a median over processes can.
        const fresh = await restart(target);
        targets[targets.indexOf(target)] = fresh;
        target = fresh;
        await load(target.url, config.warmup, config, target.headers, target);
      }
      const before = await target.cpuTime();
      const result = await load(target.url, config.duration, config, target.headers, target);
      result.cpuPerRequest = ((await target.cpuTime()) - before) / Math.max(result.requests, 1);
      results.get(target.id)!.push(result);
      log(`round ${round + 1}/${config.rounds} ${target.id}: ${Math.round(result.requestsPerSec)} req/s, ${result.cpuPerRequest.toFixed(1)} us CPU/req`);
    }
  }
  const base = median(results.get(baseline)?.map((r) => r.requestsPerSec) ?? []);
  return targets.map((target) => {
    const rounds = results.get(target.id)!;
    const rps = rounds.map((r) => r.requestsPerSec);
    return {
      id: target.id,
      rounds,
      medianRps: median(rps),
      spread: spread(rps),
      medianP99: median(rounds.map((r) => r.latencyP99)),
      medianCpu: median(rounds.map((r) => r.cpuPerRequest)),
      ratio: median(rps) / base,
    };
  });
}
