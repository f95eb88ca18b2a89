/**
 * One worker process of the `tsgi` CLI: loads the application module with dynamic
 * `import()`, wraps it as the settings ask (cluster-stack.ts), serves the connections
 * the primary deals it (one server per `--bind` address), beats a heartbeat so a
 * blocked event loop is noticed, and stops gracefully when told to (or asks to be
 * replaced after `--max-requests`, with jitter).
 *
 * @example
 * if (process.env.TSGI_WORKER_SETTINGS) await runWorker(JSON.parse(process.env.TSGI_WORKER_SETTINGS));
 *
 * @see https://docs.gunicorn.org/en/stable/design.html
 * @module
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Application } from '@tsgi/core';
import { workerStack } from './cluster-stack.js';
import { limitsOf, splitTarget, type Settings } from './config.js';
import { prepareTypeScript } from './load-app.js';
import { serve, type Served } from './serve.js';

/** Messages between primary and workers; `tsgi` tags them apart from an app's own. */
export type ToPrimary =
  | { tsgi: 'heartbeat' }
  | { tsgi: 'listening' }
  | { tsgi: 'fatal'; message: string }
  | { tsgi: 'retire' };
export type ToWorker = { tsgi: 'stop' } | { tsgi: 'connection'; index: number };

/** What the primary hands a worker (as JSON in its environment): the settings and the addresses it listens on. */
export interface WorkerPlan {
  settings: Settings;
  /** The addresses the primary listens on, in `--bind` order; a connection names its index. */
  sockets: Array<{ url: string }>;
}

const NAMES = ['default', 'app', 'application'];

/** Imports `module[:export]` relative to `cwd` and returns the application in it. */
export async function loadApp(target: string, cwd = process.cwd()): Promise<Application> {
  const { module, name } = splitTarget(target);
  const isPath = module.startsWith('.') || path.isAbsolute(module) || /\.[cm]?[jt]sx?$/.test(module);
  const full = path.resolve(cwd, module);
  if (isPath && !existsSync(full)) throw new Error(`cannot find the application module '${module}' (looked for ${full})`);
  if (isPath) await prepareTypeScript(full);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(isPath ? pathToFileURL(full).href : module)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot load the application module '${module}': ${(error as Error).stack ?? String(error)}`, { cause: error });
  }
  const names = name === undefined ? NAMES : [name];
  for (const key of names) {
    let value = exports[key];
    // A CommonJS module seen through import(): its exports object is the default, so
    // `default` is that object (look inside it), and names may only be in it.
    const commonJs = exports.default !== null && typeof exports.default === 'object' ? (exports.default as Record<string, unknown>) : undefined;
    if (commonJs !== undefined && (value === undefined || value === commonJs)) value = commonJs[key];
    if (typeof value === 'function') return value as Application;
    if (value !== undefined) throw new Error(`'${module}' export '${key}' is a ${typeof value}, not an application function`);
  }
  const found = Object.keys(exports).join(', ') || 'nothing';
  throw new Error(`'${module}' has no export ${names.map((n) => `'${n}'`).join(' or ')} (it exports: ${found})`);
}

function send(message: ToPrimary): void {
  if (process.connected) process.send?.(message);
}

/** Runs this process as a worker until the primary stops it. */
export async function runWorker(plan: WorkerPlan): Promise<void> {
  const { settings } = plan;
  // For libraries in this process (clusterStore() of @tsgi/rate-limit): a primary answers shared-state messages.
  (globalThis as Record<symbol, unknown>)[Symbol.for('tsgi.cluster-worker')] = { workers: settings.workers };
  let served: Served[];
  try {
    const stack = workerStack(await loadApp(settings.app), settings);
    served = await Promise.all(
      plan.sockets.map(() =>
        serve(stack.app, {
          listen: false,
          tls: stack.tls,
          onReject: stack.onReject,
          keepAliveTimeout: settings.keepAlive * 1000,
          headersTimeout: settings.headersTimeout * 1000,
          shutdownTimeout: settings.gracefulTimeout * 1000,
          limits: limitsOf(settings),
          multiprocess: true,
        }),
      ),
    );
  } catch (error) {
    send({ tsgi: 'fatal', message: (error as Error).message });
    process.exit(1);
  }
  if (settings.keepAlive === 0) {
    // gunicorn's keepalive 0: `Connection: close` on every response. Prepended, so it is
    // set before the gateway's listener can write the head.
    const noKeepAlive = (_req: IncomingMessage, res: ServerResponse): void => void (res.shouldKeepAlive = false);
    for (const s of served) s.server.prependListener('request', noKeepAlive).prependListener('checkContinue', noKeepAlive);
  }
  send({ tsgi: 'listening' });

  let stopping = false;
  const beat =
    settings.timeout > 0 ? setInterval(() => send({ tsgi: 'heartbeat' }), Math.max(100, Math.min(1000, (settings.timeout * 1000) / 4))) : undefined;
  beat?.unref();
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(beat);
    void Promise.all(served.map((s) => s.close())).finally(() => process.exit(0));
  };

  if (settings.maxRequests > 0) {
    const limit = settings.maxRequests + Math.floor(Math.random() * (settings.maxRequestsJitter + 1));
    let count = 0;
    const onRequest = (): void => {
      if (++count < limit) return;
      for (const s of served) s.server.off('request', onRequest);
      // The primary starts a replacement first, then tells this worker to stop.
      send({ tsgi: 'retire' });
    };
    for (const s of served) s.server.on('request', onRequest);
  }
  process.on('message', (message: ToWorker, socket?: Socket) => {
    if (message?.tsgi === 'stop') stop();
    // null when the client left before the socket got here.
    else if (message?.tsgi === 'connection' && socket) served[message.index]?.server.emit('connection', socket);
  });
  // Ctrl-C reaches the whole process group: the primary decides, the worker waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', stop);
  // The primary is gone (killed): nobody will send `stop`, so stop now.
  process.on('disconnect', stop);
}
