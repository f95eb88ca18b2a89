/**
 * The `tsgi` CLI's primary process, gunicorn's arbiter: listens on the `--bind`
 * addresses (cluster-sockets.ts), forks the workers and deals them the connections in
 * turn, prints one start-up line, replaces a worker that crashes or stops answering
 * heartbeats (`--timeout`, 0 = never), replaces workers one by one on SIGHUP (a new
 * one is ready before an old one stops), replaces a worker that reached `--max-requests`, and on SIGTERM/SIGINT lets
 * every worker finish its requests within `--graceful-timeout`, then exits. It also
 * stops when its parent process goes away (npx or pnpm killed by a signal they do not
 * pass on), so no server is left running under PID 1.
 *
 * Workers are plain `child_process.fork()` children, not node:cluster workers: the
 * sockets stay with the primary, so a connection arriving while no worker is ready
 * waits for the next one instead of being refused, and one handed to a worker that
 * dies before taking it is dealt again (cluster-handoff.ts).
 *
 * @example
 * await runPrimary(settings); // never returns; exits the process
 *
 * @see https://docs.gunicorn.org/en/stable/signals.html
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { bindUrl } from './bind-address.js';
import { HandedSockets } from './cluster-handoff.js';
import { SharedState, type SharedStateRequest } from './cluster-shared-state.js';
import { bindAll, ListenError, type BoundSockets } from './cluster-sockets.js';
import type { Settings } from './settings.js';
import type { ToPrimary, ToWorker, WorkerPlan } from './cluster-worker.js';

export const SETTINGS_ENV = 'TSGI_WORKER_SETTINGS';

interface Tracked {
  child: ChildProcess;
  beat: number;
  listening: boolean;
  /** Told to stop on purpose: its exit is not a crash. */
  retiring: boolean;
  /** Connections sent to it that it has not acknowledged yet. */
  handed: HandedSockets;
  /** `stop` waits until the connections on their way to it have arrived. */
  stopWhenTaken: boolean;
  onListening: Array<() => void>;
}

/** A connection that came while no worker was ready, with the timer that gives up on it. */
interface Waiting {
  index: number;
  socket: Socket;
  timer: NodeJS.Timeout;
}

const log = (text: string): void => void process.stderr.write(`tsgi [${process.pid}]: ${text}\n`);

/** Binds, forks and runs the primary until it is stopped; exits the process. */
export async function runPrimary(settings: Settings): Promise<never> {
  const tracked = new Map<number, Tracked>();
  /** Connections that came while no worker was ready, oldest first. */
  const waiting: Waiting[] = [];
  let turn = 0;
  /** Counters the workers share (clusterStore() of @tsgi/rate-limit). */
  const sharedState = new SharedState();
  /** The workers that listen and are not being stopped; remade when one changes, not per connection. */
  let ready: Tracked[] = [];
  const refreshReady = (): void => {
    ready = [...tracked.values()].filter((entry) => entry.listening && !entry.retiring);
  };

  /**
   * Round-robin over the ready workers. A connection whose worker went away before
   * taking it comes back here (cluster-handoff.ts) and goes to the next one.
   */
  function deal(index: number, socket: Socket): void {
    if (stopping) {
      socket.destroy();
      return;
    }
    if (ready.length === 0) {
      // It waits for the next worker that is ready, up to the graceful timeout.
      const timer = setTimeout(() => {
        const at = waiting.findIndex((entry) => entry.socket === socket);
        if (at !== -1) waiting.splice(at, 1);
        socket.destroy();
      }, settings.gracefulTimeout * 1000);
      timer.unref();
      waiting.push({ index, socket, timer });
      return;
    }
    ready[turn++ % ready.length]!.handed.hand(index, socket, deal);
  }

  /** Deals the connections that waited for a ready worker. */
  function dealWaiting(): void {
    for (const { index, socket, timer } of waiting.splice(0)) {
      clearTimeout(timer);
      if (!socket.destroyed) deal(index, socket);
    }
  }

  let sockets: BoundSockets;
  try {
    sockets = await bindAll(settings, deal);
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    process.stderr.write(`tsgi: error: ${error.message}\n`);
    process.exit(1);
  }
  const tls = settings.certfile !== undefined;
  const urls = sockets.addresses.map((address) => bindUrl(address, tls));
  const plan: WorkerPlan = { settings, sockets: urls.map((url) => ({ url })) };
  const env = { ...process.env, [SETTINGS_ENV]: JSON.stringify(plan) };
  let stopping = false;
  let announced = false;
  let listeningCount = 0;
  let reloading: Promise<void> | null = null;
  // Starting many workers takes a while on few cores: say how far it got.
  const progressEvery = settings.workers >= 8 ? Math.ceil(settings.workers / 4) : 0;

  const exit = (code: number): never => {
    sockets.close();
    process.exit(code);
  };

  function spawn(): Tracked {
    const child = fork(process.argv[1]!, process.argv.slice(2), { env });
    const entry: Tracked = {
      child,
      beat: Date.now(),
      listening: false,
      retiring: false,
      handed: new HandedSockets(child),
      stopWhenTaken: false,
      onListening: [],
    };
    tracked.set(child.pid!, entry);
    child.on('message', (message: ToPrimary | SharedStateRequest) => {
      if (message?.tsgi === 'took') {
        entry.handed.took(message.id);
        if (entry.stopWhenTaken && entry.handed.size === 0) sendStop(entry);
      } else if (message?.tsgi === 'heartbeat') entry.beat = Date.now();
      else if (message?.tsgi === 'shared-state') sharedState.serve(child, message);
      else if (message?.tsgi === 'listening') onListening(entry);
      else if (message?.tsgi === 'fatal') fatal(message.message);
      else if (message?.tsgi === 'retire' && !entry.retiring && !stopping) {
        log(`worker ${child.pid} reached max-requests; replacing it`);
        void replace(entry);
      }
    });
    child.once('exit', (code, signal) => onExit(child, code, signal));
    // 'close' comes once it has exited and every message it sent was read, so its
    // acks are in: what is still handed was never taken, and goes to another worker.
    child.once('close', () => {
      for (const { index, socket } of entry.handed.reclaim()) deal(index, socket);
    });
    // Gone or going: it can take no more connections (its 'exit' may come later).
    child.once('disconnect', () => {
      entry.listening = false;
      refreshReady();
    });
    // A fork that cannot start (EAGAIN: too many processes) must not kill the primary.
    child.on('error', (error) => log(`worker ${child.pid ?? '(not started)'}: ${error.message}`));
    return entry;
  }

  function onListening(entry: Tracked): void {
    entry.listening = true;
    refreshReady();
    entry.beat = Date.now();
    for (const callback of entry.onListening.splice(0)) callback();
    dealWaiting();
    listeningCount++;
    if (progressEvery > 0 && listeningCount <= settings.workers && listeningCount % progressEvery === 0) {
      log(`${listeningCount}/${settings.workers} workers listening`);
    }
    if (!announced) {
      announced = true;
      process.stdout.write(
        `tsgi: serving ${settings.app} on ${urls.join(' ')} with ${settings.workers} worker(s) (primary pid ${process.pid})\n`,
      );
    }
  }

  function sendStop(entry: Tracked): void {
    entry.stopWhenTaken = false;
    if (entry.child.connected) entry.child.send({ tsgi: 'stop' } satisfies ToWorker);
  }

  function stopWorker(entry: Tracked): void {
    entry.retiring = true;
    refreshReady();
    // A worker still booting has no requests and may not listen for messages yet.
    if (!entry.listening || !entry.child.connected) entry.child.kill('SIGTERM');
    // `stop` would overtake the connections node still queues for it (a message
    // without a handle is not queued behind them): those are served first.
    else if (entry.handed.size > 0) entry.stopWhenTaken = true;
    else sendStop(entry);
    // Past the graceful timeout (and a margin for the worker's own cut) it is killed.
    const kill = setTimeout(() => entry.child.kill('SIGKILL'), settings.gracefulTimeout * 1000 + 2000);
    kill.unref();
    entry.child.once('exit', () => clearTimeout(kill));
  }

  /** A fresh worker first; the old one stops once the new one listens. */
  function replace(old: Tracked): Promise<void> {
    old.retiring = true;
    refreshReady();
    const fresh = spawn();
    return new Promise<void>((resolve) => {
      fresh.onListening.push(() => {
        stopWorker(old);
        resolve();
      });
      // A replacement that dies before listening leaves the old worker serving.
      fresh.child.once('exit', () => resolve());
    });
  }

  function fatal(message: string): void {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`tsgi: error: ${message}\n`);
    for (const entry of tracked.values()) entry.child.kill('SIGKILL');
    exit(1);
  }

  function shutdown(why: string): void {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping ${tracked.size} worker(s), up to ${settings.gracefulTimeout}s for requests in flight`);
    // New connections are refused from now on; the ones waiting for a worker are let go.
    sockets.close();
    for (const { socket, timer } of waiting.splice(0)) {
      clearTimeout(timer);
      socket.destroy();
    }
    if (tracked.size === 0) exit(0);
    for (const entry of tracked.values()) stopWorker(entry);
  }

  function onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    const entry = tracked.get(child.pid!);
    tracked.delete(child.pid!);
    refreshReady();
    if (stopping) {
      if (tracked.size === 0) {
        log('all workers stopped');
        exit(0);
      }
      return;
    }
    if (entry === undefined || entry.retiring) return;
    log(`worker ${child.pid} died (${signal ?? `exit code ${code}`}); starting a new one`);
    spawn();
  }

  // A worker whose event loop is stuck sends no heartbeat: gunicorn's --timeout (0 = off).
  if (settings.timeout > 0) {
    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const entry of tracked.values()) {
        if (entry.listening && !entry.retiring && now - entry.beat > settings.timeout * 1000) {
          log(`worker ${entry.child.pid} silent for ${settings.timeout}s; killing it`);
          entry.child.kill('SIGKILL');
        }
      }
    }, Math.min(500, settings.timeout * 250));
    watchdog.unref();
  }

  // npx/pnpm may die of a signal without passing it on; the primary is then re-parented.
  const parent = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parent) shutdown(`parent process ${parent} exited`);
  }, 250);
  parentWatch.unref();

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

  if (progressEvery > 0) log(`starting ${settings.workers} workers`);
  for (let i = 0; i < settings.workers; i++) spawn();
  // The process lives on its children and sockets; this promise only ends with process.exit().
  return new Promise<never>(() => undefined);
}
