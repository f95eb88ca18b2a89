/**
 * A throwaway PostgreSQL server for a test: Debian's `postgresql` package (initdb and
 * postgres from /usr/lib/postgresql/<version>/bin or PATH), a fresh cluster in a temp
 * directory, trust auth on 127.0.0.1 and a free port, fsync off. PostgreSQL refuses
 * to run as root, so under root the server runs as the `postgres` user the package
 * creates. `stop()` ends only the server this started and removes its directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

export interface Postgres {
  url: string;
  stop(): Promise<void>;
}

function findBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const file = path.join(base, version, 'bin', name);
    if (existsSync(file)) return file;
  }
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  throw new Error(`${name} not found: install Debian's postgresql package (apt-get install postgresql; scripts/system-packages.sh does it)`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Who runs the server: the `postgres` user under root, else this user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid === 0) throw new Error('running as root and no `postgres` user to run PostgreSQL as (Debian\'s postgresql package creates one)');
  return { uid, gid: id('-g') };
}

export async function startPostgres(): Promise<Postgres> {
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'conduit-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const init = spawnSync(findBin('initdb'), ['-D', data, '-U', 'conduit', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C'], { encoding: 'utf8', cwd: dir, ...user });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}):\n${init.stdout}\n${init.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(findBin('postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-F', '-c', 'max_connections=50'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...user,
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://conduit@127.0.0.1:${port}/postgres`;
  const end = Date.now() + 30_000;
  while (!/ready to accept connections/.test(log)) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`postgres did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async stop() {
      // SIGINT: PostgreSQL's fast shutdown (ends sessions, no waiting for clients).
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
