/**
 * One worker process of the `tsgi` CLI: loads the application (cluster-app.ts),
 * wraps it as the settings ask (cluster-stack.ts), serves the connections
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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionMessage, TookMessage } from './cluster-handoff.js';
import { loadApp } from './cluster-app.js';
import { workerStack } from './cluster-stack.js';
import { defaultNodeEnv, limitsOf, type Settings } from './config.js';
import { serve, type Served } from '@tsgi/server';

/** Messages between primary and workers; `tsgi` tags them apart from an app's own. */
export type ToPrimary =
  | { tsgi: 'heartbeat' }
  | { tsgi: 'listening' }
  | { tsgi: 'fatal'; message: string }
  | { tsgi: 'retire' }
  | TookMessage;
export type ToWorker = { tsgi: 'stop' } | ConnectionMessage;

/** What the primary hands a worker (as JSON in its environment): the settings and the addresses it listens on. */
export interface WorkerPlan {
  settings: Settings;
  /** The addresses the primary listens on, in `--bind` order; a connection names its index. */
  sockets: Array<{ url: string }>;
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
  defaultNodeEnv(settings);
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
    else if (message?.tsgi === 'connection') {
      // Acknowledged before a byte is read: until then the primary may give the
      // connection to another worker if this one dies (cluster-handoff.ts).
      send({ tsgi: 'took', id: message.id });
      // undefined when the primary's copy was gone before it was sent.
      if (socket) served[message.index]?.server.emit('connection', socket);
    }
  });
  // Ctrl-C reaches the whole process group: the primary decides, the worker waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', stop);
  // The primary is gone (killed): nobody will send `stop`, so stop now.
  process.on('disconnect', stop);
}
