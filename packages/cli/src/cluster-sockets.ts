/**
 * The listening sockets of the `tsgi` CLI, held by the primary as gunicorn's arbiter
 * holds them. The primary listens on every `--bind` address and deals each new
 * connection to the next worker in turn (round-robin, as node:cluster does), passing
 * the socket over the worker's IPC channel. When no worker can take it (the only
 * worker crashed and its replacement is booting, or every worker is being replaced),
 * the connection waits here, paused, and goes to the next worker that is ready (or
 * is closed if none is within `--graceful-timeout`): it is not refused.
 * node:cluster's own round-robin closes its socket when the last worker exits, so a
 * connection in that gap was refused.
 *
 * Why not let every worker accept on one shared socket (gunicorn's way): the worker
 * that is awake takes what is pending, so bursts went mostly to one worker; dealt from
 * here they are even (docs/benchmarks.md, figures behind choices in the code).
 *
 * @example
 * const sockets = await bindAll(settings, (index, socket) => pickWorker()?.send({ tsgi: 'connection', index }, socket));
 *
 * @see https://docs.gunicorn.org/en/stable/design.html#server-model
 * @module
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import * as net from 'node:net';
import { bindUrl, parseBind, type BindAddress } from './bind-address.js';
import type { Settings } from './settings.js';

/** A bind that failed, with a message saying which address and why. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export interface BoundSockets {
  /** The addresses, in `--bind` order, with the ports actually bound. */
  addresses: BindAddress[];
  /** Stops listening on every address (a Unix socket's file is removed). */
  close(): void;
}

/** Gets each accepted (paused) connection with the index of the address it came to. */
export type OnConnection = (index: number, socket: net.Socket) => void;

/** The `--bind` addresses, or `--host:--port` when there are none. */
export function bindAddresses(settings: Settings): BindAddress[] {
  if (settings.bind.length === 0) return [{ kind: 'tcp', host: settings.host, port: settings.port }];
  return settings.bind.map((text) => parseBind(text, '--bind', settings.port));
}

function describe(address: BindAddress, error: NodeJS.ErrnoException): string {
  const where = bindUrl(address, false).replace(/^http:\/\//, '');
  if (error.code === 'EADDRINUSE') return `cannot listen on ${where}: the address is already in use (EADDRINUSE)`;
  if (error.code === 'EACCES') return `cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges)`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such local address (EADDRNOTAVAIL)`;
  return `cannot listen on ${where}: ${error.message}`;
}

/** A socket file left by a server that is gone (nothing accepts on it) is removed, as gunicorn does. */
async function clearStaleSocket(path: string): Promise<void> {
  if (!existsSync(path) || !lstatSync(path).isSocket()) return;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path, () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!alive) unlinkSync(path);
}

async function listenOne(address: BindAddress, backlog: number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  if (address.kind === 'unix') await clearStaleSocket(address.path);
  // Paused: the bytes are for the worker that gets the socket, not for this process.
  const server = net.createServer({ pauseOnConnect: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ListenError(describe(address, error))));
    const options = address.kind === 'unix' ? { path: address.path, backlog } : { host: address.host, port: address.port, backlog };
    server.listen(options, resolve);
  });
  if (address.kind === 'tcp') address.port = (server.address() as net.AddressInfo).port;
  return server;
}

/** Listens on every address; on a failure the ones already listening are closed again. */
export async function bindAll(settings: Settings, onConnection: OnConnection): Promise<BoundSockets> {
  const addresses = bindAddresses(settings);
  const servers: net.Server[] = [];
  const close = (): void => {
    for (const server of servers.splice(0)) server.close();
  };
  try {
    for (const [index, address] of addresses.entries()) {
      servers.push(await listenOne(address, settings.backlog, (socket) => onConnection(index, socket)));
    }
  } catch (error) {
    close();
    throw error;
  }
  return { addresses, close };
}
