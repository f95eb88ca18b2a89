/**
 * A real `redis-server` for tests (Debian's, installed by scripts/system-packages.sh):
 * started on a free port of 127.0.0.1 with no persistence (`--save '' --appendonly
 * no`), ready once it answers PING, stopped by its pid. `kill()` and `restart()` (on
 * the same port) play an outage. Other packages' tests import it from here; it is
 * not part of the package's public entry.
 *
 * `startRedisCluster()` starts a real Redis Cluster the same way: N masters (no
 * replicas), each on its own free port with its cluster bus on another free port
 * (`--cluster-port`, so `port + 10000` need not be free), joined by `redis-cli
 * --cluster create`, ready once every node says `cluster_state:ok`.
 *
 * @example
 * const redis = await startRedis();
 * const client = new Redis(redis.port, '127.0.0.1', { enableOfflineQueue: false });
 * await redis.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_CLI = '/usr/bin/redis-cli';

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

export interface RedisCluster {
  /** The masters' ports, each `127.0.0.1:<port>` a seed for ioredis' `Cluster`. */
  readonly ports: number[];
  /** The masters' pids. */
  pids(): number[];
  /** Everything the servers and `redis-cli --cluster create` printed. */
  output(): string;
  /** Stops every node (SIGTERM, SIGKILL after 5 s) and waits; safe to call twice. */
  stop(): Promise<void>;
}

/** `redis-cli` with `args`, its stdout; rejects with its output after `ms` or on a non-zero exit. */
function redisCli(args: string[], ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(REDIS_CLI, args, { timeout: ms, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts `masters` (3 or more) cluster nodes and joins them; throws with their output when not ready within `ms`. */
export async function startRedisCluster(masters = 3, ms = 20_000): Promise<RedisCluster> {
  for (const file of [REDIS_SERVER, REDIS_CLI]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/system-packages.sh (Debian package redis-server, redis-tools)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  let out = '';
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited(child);
        clearTimeout(timer);
      }),
    );
  };
  try {
    const end = Date.now() + ms;
    for (let i = 0; i < masters; i++) {
      // Both ports asked at once, so the two are distinct.
      const [port, bus] = await Promise.all([freePort(), freePort()]);
      if (port === bus) throw new Error(`the same free port twice (${port}); try again`);
      ports.push(port);
      const args = ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--dir', dir, '--cluster-node-timeout', '5000');
      const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    }
    for (const [i, port] of ports.entries()) {
      while (!(await ping(port))) {
        if (children[i]!.exitCode !== null || Date.now() > end) throw new Error(`cluster node on port ${port} did not answer PING`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    out += await redisCli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], Math.max(1000, end - Date.now()));
    // Every node must know every slot's owner before a client may rely on its answers.
    for (const port of ports) {
      while (!/^cluster_state:ok/m.test(await redisCli(['-p', String(port), 'CLUSTER', 'INFO'], 2000))) {
        if (Date.now() > end) throw new Error(`cluster node on port ${port} never said cluster_state:ok`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await stop();
    throw new Error(`Redis Cluster did not start: ${(error as Error).message}\n${out}`, { cause: error });
  }
  return { ports, pids: () => children.map((child) => child.pid!), output: () => out, stop };
}
