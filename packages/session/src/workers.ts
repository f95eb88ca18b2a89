/**
 * How many workers the `tsgi` CLI runs, when this process is one of them: the CLI's
 * worker sets `globalThis[Symbol.for('tsgi.cluster-worker')]` to `{ workers }` before
 * it loads the app (packages/cli/src/cluster-worker.ts), as @tsgi/rate-limit reads
 * it. Read through `globalThis`, so this loads where there is no `process` at all.
 *
 * @example
 * if ((cliWorkerCount() ?? 1) > 1) console.warn('several workers: memory is not shared');
 * @module
 */

const CLUSTER_WORKER = Symbol.for('tsgi.cluster-worker');

/** The CLI's `--workers`, or undefined outside a CLI worker. */
export function cliWorkerCount(): number | undefined {
  const worker = (globalThis as Record<symbol, { workers?: unknown } | undefined>)[CLUSTER_WORKER];
  return typeof worker?.workers === 'number' ? worker.workers : undefined;
}
