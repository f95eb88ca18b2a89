/**
 * What a bench target is: a module whose default export starts one server for a
 * named scenario on 127.0.0.1. The harness runs each target in its own child
 * process (bench/lib/child.ts), so a new bench (a middleware stack, gzip, a logger)
 * adds scenarios to the targets it cares about, or new target modules, and reuses
 * run.ts's rounds, pinning and statistics.
 */
export interface Started {
  port: number;
  close(): Promise<void>;
}

export interface Target {
  /** Shown in tables and results. */
  name: string;
  /** Scenarios this target can serve, e.g. `['hello']`. */
  scenarios: readonly string[];
  /** Listens on 127.0.0.1:`port` (0 = any free port) for `scenario`. */
  start(scenario: string, port: number): Promise<Started>;
}

/** The hello-world body every target answers with, so they all do the same work. */
export const HELLO_TEXT = 'Hello, world!';
export const HELLO = Buffer.from(HELLO_TEXT);

/** The `rate-limit` scenario's quota per minute: far above what one client sends, so every row counts and none refuses. */
export const RATE_LIMIT_QUOTA = 1_000_000_000;

/** The variable run.ts (and the scenario test) sets to the redis-server it started for a scenario with `redis: true`. */
export const REDIS_URL_ENV = 'BENCH_REDIS_URL';

export function unknownScenario(target: string, scenario: string): never {
  throw new Error(`bench target ${target} has no scenario "${scenario}"`);
}
