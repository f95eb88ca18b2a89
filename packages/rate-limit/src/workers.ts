/**
 * Whether this process is a worker of the `tsgi` CLI, and how many workers there
 * are: the CLI's worker sets `globalThis[Symbol.for('tsgi.cluster-worker')]` to
 * `{ workers }` before it loads the app (packages/cli/src/cluster-worker.ts), and
 * has the IPC channel to the primary (`process.send`). A global, not a variable in
 * the environment: processes the app starts must not think they are workers.
 * Everything is read through `globalThis`, so this module loads where there is no
 * `process` at all (Workers, browsers) and answers "not a worker".
 *
 * @example
 * if (inCliWorker()) console.log(`one of ${cliWorkerCount()} workers`);
 * @module
 */

/** The global the CLI's worker sets. */
export const CLUSTER_WORKER = Symbol.for('tsgi.cluster-worker');

/** The part of Node's `process` this package uses, where there is one. */
export interface NodeProcess {
  send?(message: unknown, callback?: (error: Error | null) => void): boolean;
  on?(event: string, listener: (...args: never[]) => void): unknown;
}

export function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** The CLI's `--workers`, or undefined outside a CLI worker. */
export function cliWorkerCount(): number | undefined {
  const worker = (globalThis as Record<symbol, { workers?: unknown } | undefined>)[CLUSTER_WORKER];
  return typeof worker?.workers === 'number' ? worker.workers : undefined;
}

/** True in a process the CLI's primary forked, with the IPC channel to it. */
export function inCliWorker(): boolean {
  return cliWorkerCount() !== undefined && typeof nodeProcess()?.send === 'function';
}
