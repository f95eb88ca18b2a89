/**
 * The `tsgi` CLI's primary process, gunicorn's arbiter on node:cluster: forks the
 * workers (which share one listening socket), prints one start-up line, replaces a
 * worker that crashes or stops answering heartbeats, replaces workers one by one on
 * SIGHUP (a new one listens before an old one stops, so no connection is refused),
 * replaces a worker that reached `--max-requests`, and on SIGTERM/SIGINT lets every
 * worker finish its requests within `--graceful-timeout`, then exits.
 *
 * @example
 * if (cluster.isPrimary) await runPrimary(settings); // never returns
 *
 * @see https://docs.gunicorn.org/en/stable/signals.html
 * @see https://nodejs.org/api/cluster.html
 * @module
 */
import cluster, { type Worker } from 'node:cluster';
import type { Settings } from './config.js';
import type { ToPrimary, ToWorker } from './cluster-worker.js';

export const SETTINGS_ENV = 'TSGI_WORKER_SETTINGS';

interface Tracked {
  worker: Worker;
  beat: number;
  listening: boolean;
  /** Told to stop on purpose: its exit is not a crash. */
  retiring: boolean;
  onListening: Array<() => void>;
}

const log = (text: string): void => void process.stderr.write(`tsgi [${process.pid}]: ${text}\n`);

/** Runs the primary until it is stopped; exits the process. */
export function runPrimary(settings: Settings): Promise<never> {
  const tracked = new Map<number, Tracked>();
  const env = { [SETTINGS_ENV]: JSON.stringify(settings) };
  let stopping = false;
  let announced = false;
  let reloading: Promise<void> | null = null;

  function spawn(): Tracked {
    const worker = cluster.fork(env);
    const entry: Tracked = { worker, beat: Date.now(), listening: false, retiring: false, onListening: [] };
    tracked.set(worker.id, entry);
    worker.on('message', (message: ToPrimary) => {
      if (message?.tsgi === 'heartbeat') entry.beat = Date.now();
      else if (message?.tsgi === 'fatal') fatal(message.message);
      else if (message?.tsgi === 'retire' && !entry.retiring && !stopping) {
        log(`worker ${worker.process.pid} reached max-requests; replacing it`);
        void replace(entry);
      }
    });
    return entry;
  }

  function stopWorker(entry: Tracked): void {
    entry.retiring = true;
    // A worker still booting has no requests and may not listen for messages yet.
    if (entry.listening && entry.worker.isConnected()) entry.worker.send({ tsgi: 'stop' } satisfies ToWorker);
    else entry.worker.process.kill('SIGTERM');
    // Past the graceful timeout (and a margin for the worker's own cut) it is killed.
    const kill = setTimeout(() => entry.worker.process.kill('SIGKILL'), settings.gracefulTimeout * 1000 + 2000);
    kill.unref();
    entry.worker.once('exit', () => clearTimeout(kill));
  }

  /** A fresh worker first; the old one stops once the new one listens. */
  function replace(old: Tracked): Promise<void> {
    old.retiring = true;
    const fresh = spawn();
    return new Promise<void>((resolve) => {
      fresh.onListening.push(() => {
        stopWorker(old);
        resolve();
      });
      // A replacement that dies before listening leaves the old worker serving.
      fresh.worker.once('exit', () => resolve());
    });
  }

  function fatal(message: string): void {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`tsgi: error: ${message}\n`);
    for (const entry of tracked.values()) entry.worker.process.kill('SIGKILL');
    process.exit(1);
  }

  function shutdown(signal: string): void {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${tracked.size} worker(s), up to ${settings.gracefulTimeout}s for requests in flight`);
    if (tracked.size === 0) process.exit(0);
    for (const entry of tracked.values()) stopWorker(entry);
  }

  cluster.on('listening', (worker, address) => {
    const entry = tracked.get(worker.id);
    if (entry === undefined) return;
    entry.listening = true;
    for (const callback of entry.onListening.splice(0)) callback();
    if (!announced) {
      announced = true;
      const host = address.address?.includes(':') ? `[${address.address}]` : (address.address ?? settings.host);
      process.stdout.write(
        `tsgi: serving ${settings.app} on http://${host}:${address.port} with ${settings.workers} worker(s) (primary pid ${process.pid})\n`,
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const entry = tracked.get(worker.id);
    tracked.delete(worker.id);
    if (stopping) {
      if (tracked.size === 0) {
        log('all workers stopped');
        process.exit(0);
      }
      return;
    }
    if (entry === undefined || entry.retiring) return;
    log(`worker ${worker.process.pid} died (${signal ?? `exit code ${code}`}); starting a new one`);
    spawn();
  });

  // A worker whose event loop is stuck sends no heartbeat: gunicorn's --timeout.
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const entry of tracked.values()) {
      if (entry.listening && !entry.retiring && now - entry.beat > settings.timeout * 1000) {
        log(`worker ${entry.worker.process.pid} silent for ${settings.timeout}s; killing it`);
        entry.worker.process.kill('SIGKILL');
      }
    }
  }, 500);
  watchdog.unref();

  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    if (stopping) return;
    log(`SIGHUP: replacing ${tracked.size} worker(s) one by one`);
    const run = async (): Promise<void> => {
      for (const entry of [...tracked.values()]) if (!entry.retiring) await replace(entry);
      log('reload done');
    };
    reloading = (reloading ?? Promise.resolve()).then(run);
  });

  for (let i = 0; i < settings.workers; i++) spawn();
  // The process lives on its listeners; this promise only ends with process.exit().
  return new Promise<never>(() => undefined);
}
