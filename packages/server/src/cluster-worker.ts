/**
 * One worker process of the `tsgi` CLI: loads the application module with dynamic
 * `import()`, serves it on the port the primary shares (node:cluster), beats a
 * heartbeat so a blocked event loop is noticed, and stops gracefully when told to
 * (or asks to be replaced after `--max-requests`, with jitter).
 *
 * @example
 * if (cluster.isWorker) await runWorker(JSON.parse(process.env.TSGI_WORKER_SETTINGS!));
 *
 * @see https://nodejs.org/api/cluster.html
 * @module
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Application } from '@tsgi/core';
import { limitsOf, splitTarget, type Settings } from './config.js';
import { prepareTypeScript } from './load-app.js';
import { serve, type Served } from './serve.js';

/** Messages between primary and workers; `tsgi` tags them apart from an app's own. */
export type ToPrimary =
  | { tsgi: 'heartbeat' }
  | { tsgi: 'fatal'; message: string }
  | { tsgi: 'retire' };
export type ToWorker = { tsgi: 'stop' };

const NAMES = ['default', 'app', 'application'];
const EXIT_GRACE_MS = 300;

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

function describeListenError(error: NodeJS.ErrnoException, settings: Settings): string {
  const where = `${settings.host}:${settings.port}`;
  if (error.code === 'EADDRINUSE') return `cannot listen on ${where}: the address is already in use (EADDRINUSE)`;
  if (error.code === 'EACCES') return `cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges)`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such local address (EADDRNOTAVAIL)`;
  return `cannot listen on ${where}: ${error.message}`;
}

/** Runs this process as a worker until the primary stops it. */
export async function runWorker(settings: Settings): Promise<void> {
  let app: Application;
  try {
    app = await loadApp(settings.app);
  } catch (error) {
    send({ tsgi: 'fatal', message: (error as Error).message });
    process.exit(1);
  }
  let served: Served;
  try {
    served = await serve(app, {
      host: settings.host,
      port: settings.port,
      keepAliveTimeout: settings.keepAlive * 1000,
      headersTimeout: settings.headersTimeout * 1000,
      shutdownTimeout: settings.gracefulTimeout * 1000,
      limits: limitsOf(settings),
      multiprocess: true,
    });
  } catch (error) {
    send({ tsgi: 'fatal', message: describeListenError(error as NodeJS.ErrnoException, settings) });
    process.exit(1);
  }

  let stopping = false;
  const beat = setInterval(() => send({ tsgi: 'heartbeat' }), Math.max(100, Math.min(1000, (settings.timeout * 1000) / 4)));
  beat.unref();
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(beat);
    // The primary may have handed this worker a connection just before it learnt of the
    // close; staying a moment lets node answer 'not accepted' so it goes to another
    // worker instead of being lost with this process.
    void served.close().finally(() => setTimeout(() => process.exit(0), EXIT_GRACE_MS));
  };

  if (settings.maxRequests > 0) {
    const limit = settings.maxRequests + Math.floor(Math.random() * (settings.maxRequestsJitter + 1));
    let count = 0;
    const onRequest = (): void => {
      if (++count < limit) return;
      served.server.off('request', onRequest);
      // The primary starts a replacement first, then tells this worker to stop.
      send({ tsgi: 'retire' });
    };
    served.server.on('request', onRequest);
  }
  process.on('message', (message: ToWorker) => {
    if (message?.tsgi === 'stop') stop();
  });
  // Ctrl-C reaches the whole process group: the primary decides, the worker waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', stop);
  // The primary is gone (killed): nobody will send `stop`, so stop now.
  process.on('disconnect', stop);
}
