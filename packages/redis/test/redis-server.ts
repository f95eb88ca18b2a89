/**
 * A real `redis-server` for tests (Debian's, installed by scripts/system-packages.sh):
 * started on a free port of 127.0.0.1 with no persistence (`--save '' --appendonly
 * no`), ready once it answers PING, stopped by its pid. `kill()` and `restart()` (on
 * the same port) play an outage. Other packages' tests import it from here; it is
 * not part of the package's public entry.
 *
 * @example
 * const redis = await startRedis();
 * const client = new Redis(redis.port, '127.0.0.1', { enableOfflineQueue: false });
 * await redis.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The running server's pid (a new one after restart). */
  pid(): number;
  /** Everything the server printed (its log goes to stdout). */
  output(): string;
  /** SIGKILLs the server (an outage); resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and waits; safe to call twice. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when a PING on a new connection gets +PONG; false on any error or after 500 ms. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.on('error', () => done(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a server; throws with its output when it does not answer within `ms`. */
export async function startRedis(ms = 10_000): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: run scripts/system-packages.sh (Debian package redis-server)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-redis-'));
  let child: ChildProcess;
  let out = '';

  async function launch(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
    child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const end = Date.now() + ms;
    while (!(await ping(port))) {
      if (child.exitCode !== null || Date.now() > end) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not answer PING on port ${port}:\n${out}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function stop(): Promise<void> {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
  }

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child.pid!,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    restart: launch,
    stop,
  };
}
