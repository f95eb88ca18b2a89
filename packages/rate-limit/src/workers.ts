/**
 * Whether this process is a worker of the `tsgi` CLI, and how many workers there
 * are, read from what the CLI's primary hands each worker it forks: the variable
 * `TSGI_WORKER_SETTINGS` (JSON, with `settings.workers`) and an IPC channel
 * (`process.send`). Read through `globalThis.process`, so this module loads where
 * there is no `process` at all (Workers, browsers) and answers "not a worker".
 *
 * @example
 * if (inCliWorker()) console.log(`one of ${cliWorkerCount()} workers`);
 * @module
 */

/** The variable the CLI's primary sets for its workers (packages/server/src/cluster.ts). */
export const WORKER_SETTINGS_ENV = 'TSGI_WORKER_SETTINGS';

/** The part of Node's `process` this package uses, where there is one. */
export interface NodeProcess {
  env?: Record<string, string | undefined>;
  send?(message: unknown, callback?: (error: Error | null) => void): boolean;
  on?(event: string, listener: (...args: never[]) => void): unknown;
  connected?: boolean;
}

export function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** The CLI's `--workers`, or undefined outside a CLI worker. */
export function cliWorkerCount(): number | undefined {
  const text = nodeProcess()?.env?.[WORKER_SETTINGS_ENV];
  if (text === undefined) return undefined;
  try {
    const workers = (JSON.parse(text) as { settings?: { workers?: unknown } }).settings?.workers;
    return typeof workers === 'number' ? workers : undefined;
  } catch {
    return undefined;
  }
}

/** True in a process forked by the CLI's primary, with the IPC channel to it. */
export function inCliWorker(): boolean {
  const proc = nodeProcess();
  return typeof proc?.env?.[WORKER_SETTINGS_ENV] === 'string' && typeof proc.send === 'function';
}
