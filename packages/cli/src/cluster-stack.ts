/**
 * What a CLI worker wraps around the application from the settings, outermost first:
 * `proxyFix` when `--forwarded-allow-ips` names proxies (so the log and the app see
 * the client, not the proxy), then `accessLog` when `--access-log` is set (a file
 * opened for appending by every worker, or `-` for stdout). Also the TLS options read
 * from `--certfile`/`--keyfile`. Files are opened here, once per worker, and a file
 * that cannot be opened is an error naming the option and the path.
 *
 * @example
 * const { app: wrapped, onReject, tls } = workerStack(app, settings);
 *
 * @see https://docs.gunicorn.org/en/stable/settings.html#accesslog
 * @module
 */
import { createWriteStream, openSync, readFileSync } from 'node:fs';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Application } from '@tsgi/core';
import { accessLog, rejectLog } from '@tsgi/logger';
import { proxyFix } from '@tsgi/proxy-fix';
import type { OnReject } from '@tsgi/server';
import type { Settings } from './settings.js';

/** The log lines' target: stdout, or a file every worker appends to. */
type LogStream = NodeJS.WritableStream;

export interface WorkerStack {
  app: Application;
  /** For `serve({ onReject })`: the refused requests (400/408/413/414/431), logged too. */
  onReject: OnReject | undefined;
  tls: HttpsServerOptions | undefined;
}

function readOption(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read --${option} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function openLog(file: string): LogStream {
  if (file === '-') return process.stdout;
  try {
    // O_APPEND: each worker's batched writes land whole, after the others'.
    return createWriteStream(file, { fd: openSync(file, 'a') });
  } catch (error) {
    throw new Error(`cannot open --access-log ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Refused requests never reach the access-log middleware; the gateway reports them
 * through `onReject`, written in the same format to the same stream.
 */
function rejectLogger(settings: Settings, stream: LogStream): OnReject {
  return rejectLog({ format: settings.accessLogFormat, stream });
}

/** Wraps `app` as the settings ask; throws an Error naming the option when a file cannot be read. */
export function workerStack(app: Application, settings: Settings): WorkerStack {
  let wrapped = app;
  let onReject: OnReject | undefined;
  if (settings.accessLog !== undefined) {
    const stream = openLog(settings.accessLog);
    wrapped = accessLog({ format: settings.accessLogFormat, stream })(wrapped);
    onReject = rejectLogger(settings, stream);
  }
  if (settings.forwardedAllowIps.length > 0) {
    wrapped = proxyFix({ trustedProxies: settings.forwardedAllowIps, for: 1, proto: 1 })(wrapped);
  }
  const tls =
    settings.certfile === undefined
      ? undefined
      : { cert: readOption('certfile', settings.certfile), key: readOption('keyfile', settings.keyfile!) };
  return { app: wrapped, onReject, tls };
}
