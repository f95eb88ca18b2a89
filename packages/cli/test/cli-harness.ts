/**
 * Runs the real `tsgi` CLI as a child process (`node --import tsx src/cli.ts`, so the
 * child's pid is the primary's own and signals reach it directly), talks to it on
 * 127.0.0.1 only, and kills only the processes it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(ROOT, 'packages/cli/src/cli.ts');
// Absolute, so the child finds tsx (and the repo's tsconfig paths) from any cwd.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Runs the CLI with `args`; `env` adds variables to this process's, and an `undefined` value unsets one. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Cli {
  const merged: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'), ...env, NODE_OPTIONS: '' };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once `stream` has printed text matching `pattern` (with that text); rejects after `ms` or when the CLI exits first. */
export function waitForOutput(cli: Cli, stream: 'stdout' | 'stderr', pattern: RegExp, ms = 15_000): Promise<string> {
  const text = stream === 'stdout' ? cli.stdout : cli.stderr;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | null, found = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cli.child[stream]!.off('data', onData);
      cli.child.off('exit', onExit);
      if (error) reject(error);
      else resolve(found);
    };
    const check = (): void => {
      const match = pattern.exec(text());
      if (match !== null) settle(null, match[0]);
    };
    const onExit = (): void => {
      check();
      settle(new Error(`the CLI exited before printing ${pattern}:\n${cli.stdout()}\n${cli.stderr()}`));
    };
    // After this module's own 'data' listener has appended the chunk.
    const onData = (): void => void setImmediate(check);
    const timer = setTimeout(() => settle(new Error(`no ${pattern} on ${stream} within ${ms} ms:\n${cli.stdout()}\n${cli.stderr()}`)), ms);
    cli.child[stream]!.on('data', onData);
    cli.child.once('exit', onExit);
    check();
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) onExit();
  });
}

/** Waits for the start-up line and returns the addresses it names (URLs, `unix:/path`). */
export async function startedUrls(cli: Cli, ms = 15_000): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const match = /serving .+ on ((?:\S+ )*\S+) with \d+ worker/.exec(cli.stdout());
    if (match) return match[1]!.split(' ');
    if (cli.child.exitCode !== null || Date.now() > end) {
      throw new Error(`the CLI did not start:\n${cli.stdout()}\n${cli.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits for the start-up line and returns the (first) URL it names. */
export async function startedUrl(cli: Cli, ms = 15_000): Promise<string> {
  return (await startedUrls(cli, ms))[0]!;
}

/** Stops a CLI started by this test (its primary pid only) and waits for it. */
export async function stopCli(cli: Cli): Promise<void> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 8000);
  await cli.exited;
  clearTimeout(timer);
}

/** The CLI's exit code; a CLI still running after `ms` is stopped and the test fails (it must not outlive the test). */
export async function exitCode(cli: Cli, ms = 15_000): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), ms)));
  const code = await Promise.race([cli.exited, late]);
  clearTimeout(timer);
  if (code !== 'running') return code;
  await stopCli(cli);
  throw new Error(`the CLI was still running after ${ms} ms:\n${cli.stdout()}\n${cli.stderr()}`);
}

/** A directory with the given files (fixture apps, config files); names may have folders (`src/app.mjs`). */
export function fixtureDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Answer {
  status: number;
  body: string;
}

/** One GET on a new connection; rejects with the socket error (ECONNREFUSED, ...). */
export function getOnce(url: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** An app module (plain ESM, so it needs no compiling) with routes the cluster tests use. */
export const APP_SOURCE = `
export function app(environ, startResponse) {
  const path = environ.PATH_INFO;
  if (path === '/crash') process.exit(3);
  if (path === '/hang') { const end = Date.now() + 60000; while (Date.now() < end); }
  if (path === '/slow') {
    return (async function* () {
      await new Promise((resolve) => setTimeout(resolve, 700));
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      yield Buffer.from('slow done ' + process.pid);
    })();
  }
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from(String(process.pid))];
}
`;
