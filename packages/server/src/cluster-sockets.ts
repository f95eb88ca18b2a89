/**
 * The listening sockets of the `tsgi` CLI, held by the primary as gunicorn's arbiter
 * holds them: the primary binds every `--bind` address once and hands the descriptors
 * to each worker it forks (as extra stdio entries: fd 4, 5, ...). The workers listen
 * and accept on them; the primary never accepts. Because the primary keeps the socket
 * open, connections that arrive while every worker is being replaced wait in the
 * kernel's backlog (`--backlog`) instead of being refused, and the next worker takes
 * them.
 *
 * node:cluster's round-robin handle cannot do that: the primary closes it when its
 * last worker exits, and a connection in that gap is refused.
 *
 * @example
 * const sockets = bindAll(settings);   // throws ListenError (EADDRINUSE, ...)
 * fork(cli, [], { stdio: ['inherit', 'inherit', 'inherit', 'ipc', ...sockets.fds] });
 *
 * @see https://docs.gunicorn.org/en/stable/design.html#server-model
 * @module
 */
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import * as net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { bindUrl, parseBind, type BindAddress } from './bind-address.js';
import type { Settings } from './settings.js';

/** A bound, not yet listening socket handle (libuv's TCP or Pipe). */
interface Handle {
  fd: number;
  close(): void;
  getsockname?(out: { port?: number }): number;
}

/**
 * node's own constructor of bound server handles: the one node:cluster's primary uses
 * for workers that share a socket (SCHED_NONE). There is no public way to bind a
 * socket without also accepting on it in this process.
 */
type CreateServerHandle = (address: string | null, port: number, addressType: number, fd?: number) => Handle | number;
const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;

/** A bind that failed, with a message saying which address and why. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export interface BoundSockets {
  /** The addresses, in `--bind` order, with the ports actually bound. */
  addresses: BindAddress[];
  /** Their descriptors, to pass to each worker. */
  fds: number[];
  /** Closes every socket (a Unix socket's file is removed). */
  close(): void;
}

/** The `--bind` addresses, or `--host:--port` when there are none. */
export function bindAddresses(settings: Settings): BindAddress[] {
  if (settings.bind.length === 0) return [{ kind: 'tcp', host: settings.host, port: settings.port }];
  return settings.bind.map((text) => parseBind(text, '--bind', settings.port));
}

function describe(address: BindAddress, code: string): string {
  const where = bindUrl(address, false).replace(/^http:\/\//, '');
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the address is already in use (EADDRINUSE)`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges)`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such local address (EADDRNOTAVAIL)`;
  return `cannot listen on ${where}: ${code}`;
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

async function bindOne(address: BindAddress): Promise<Handle> {
  let handle: Handle | number;
  if (address.kind === 'unix') {
    await clearStaleSocket(address.path);
    handle = createServerHandle(address.path, -1, -1);
  } else {
    const family = net.isIP(address.host);
    let host = address.host;
    if (family === 0) {
      // A name (localhost): bind its first address, as net.Server.listen would.
      const { lookup } = await import('node:dns/promises');
      host = (await lookup(address.host)).address;
    }
    handle = createServerHandle(host, address.port, net.isIP(host));
  }
  if (typeof handle === 'number') throw new ListenError(describe(address, getSystemErrorName(handle)));
  if (address.kind === 'tcp') {
    // libuv keeps a bind's EADDRINUSE for listen(), which only the workers call: a
    // socket that did not get its port is still unbound, so its name shows port 0.
    const out: { port?: number } = {};
    handle.getsockname?.(out);
    if (address.port !== 0 && out.port !== address.port) {
      handle.close();
      throw new ListenError(describe(address, 'EADDRINUSE'));
    }
    address.port = out.port ?? 0;
  }
  return handle;
}

/** Binds every address; on a failure the ones already bound are closed again. */
export async function bindAll(settings: Settings): Promise<BoundSockets> {
  const addresses = bindAddresses(settings);
  const handles: Handle[] = [];
  const close = (): void => {
    for (const handle of handles.splice(0)) handle.close();
  };
  try {
    for (const address of addresses) handles.push(await bindOne(address));
  } catch (error) {
    close();
    throw error;
  }
  return { addresses, fds: handles.map((handle) => handle.fd), close };
}
