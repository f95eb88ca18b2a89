/**
 * The consumer test: a fresh project in a temp folder outside the workspace installs
 * the packed tarballs with npm (third-party dependencies come from the registry), then
 *
 * - serves its ES module app, its CommonJS app and its TypeScript app (tsx installed
 *   beside it) with the installed `tsgi` bin and 2 workers, and checks over a socket
 *   on 127.0.0.1: a 401 with a challenge, a 200 with credentials, a gzip body that
 *   decodes, and the access log's lines;
 * - runs the user's own tests under `node --test` (testClient, ESM and CommonJS, and
 *   `instanceof` across the two builds);
 * - type-checks the project with tsc against the installed .d.ts, under `node16`
 *   (an ESM .ts and a CommonJS .cts) and `bundler`.
 *
 * @example
 * await runConsumer(await packAll(dir));
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { Packed } from './pack-all.js';
import { ROOT } from './packages.js';

const run = promisify(execFile);
const FIXTURE = path.join(ROOT, 'scripts/publish/consumer');
const ALICE = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
const REPORT = 'tsgi report line\n'.repeat(500);

/** The environment without pnpm's npm_* variables, so npm runs as a user's would. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^pnpm_/i.test(key)));
}

/** The version of a dev dependency installed in the repository, so the consumer matches it. */
function repoVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function expect(ok: boolean, what: string, seen: unknown): void {
  if (!ok) throw new Error(`consumer: ${what}; got ${typeof seen === 'string' ? seen : JSON.stringify(seen)}`);
}

async function until(check: () => boolean, what: string, ms: number, output: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`consumer: ${what} within ${ms} ms; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `tsgi serve <file> --workers 2` from the installed bin, checked over a socket, then stopped. */
async function serveAndCheck(dir: string, file: string, kind: string): Promise<void> {
  const child = spawn(path.join(dir, 'node_modules/.bin/tsgi'), ['serve', file, '--host', '127.0.0.1', '--port', '0', '--workers', '2'], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await until(() => / with 2 worker\(s\)/.test(out) || child.exitCode !== null, `tsgi serve ${file} to start 2 workers`, 20_000, () => out);
    const url = /on (http:\/\/[^ ]+) with 2 worker/.exec(out)?.[1];
    expect(url !== undefined, `tsgi serve ${file} should print its URL`, out);
    const refused = await get(`${url}/hello`);
    expect(refused.status === 401, `${file}: GET /hello without credentials is 401`, refused.status);
    expect(/^Basic realm=/.test(String(refused.headers['www-authenticate'])), `${file}: the 401 carries a Basic challenge`, refused.headers);
    const hello = await get(`${url}/hello`, { Authorization: ALICE });
    expect(hello.status === 200 && hello.body.toString() === `hello alice (${kind})\n`, `${file}: GET /hello with credentials`, `${hello.status} ${hello.body}`);
    const report = await get(`${url}/report`, { Authorization: ALICE, 'Accept-Encoding': 'gzip' });
    expect(report.headers['content-encoding'] === 'gzip', `${file}: /report is gzip-encoded`, report.headers);
    const decoded = gunzipSync(report.body).toString();
    expect(decoded.startsWith('tsgi report line') && decoded.length >= REPORT.length, `${file}: the gzip body decodes`, decoded.slice(0, 80));
    await until(
      () => /"GET \/hello HTTP\/1\.1" 401 /.test(out) && / alice \[[^\]]+\] "GET \/hello HTTP\/1\.1" 200 /.test(out),
      `${file}: access log lines for the 401 and alice's 200`,
      5000,
      () => out,
    );
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  process.stdout.write(`ok - ${file}: tsgi bin, 2 workers, 401, 200, gzip, access log\n`);
}

/** Runs a command in the consumer; its output is shown only if it fails. */
async function step(dir: string, what: string, command: string, args: string[], timeout = 120_000): Promise<void> {
  try {
    await run(command, args, { cwd: dir, env: cleanEnv(), timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`consumer: ${what} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
  process.stdout.write(`ok - ${what}\n`);
}

/** The whole consumer test; throws on the first failure, removes its folder on success. */
export async function runConsumer(packed: readonly Packed[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsgi-consumer-'));
  expect(path.relative(ROOT, dir).startsWith('..'), 'the consumer folder is outside the workspace', dir);
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tsgi-consumer', private: true, type: 'module' }, null, 2));
  const deps = ['typescript', '@types/node', 'tsx'].map((name) => `${name}@${repoVersion(name)}`);
  await step(dir, `npm install ${packed.length} tarballs and ${deps.join(' ')}`, 'npm', [
    'install', '--no-audit', '--no-fund', '--loglevel=error', ...packed.map((p) => p.file), ...deps,
  ], 300_000);
  await serveAndCheck(dir, 'app.mjs', 'esm');
  await serveAndCheck(dir, 'app.cjs', 'cjs');
  await serveAndCheck(dir, 'app.ts', 'ts');
  await step(dir, 'node --test: testClient from ESM and CommonJS, instanceof across builds', process.execPath, ['--test', 'user.test.mjs', 'user.test.cjs']);
  const tsc = path.join(dir, 'node_modules/typescript/bin/tsc');
  await step(dir, 'tsc --moduleResolution node16 (app.ts as ESM, app-cjs.cts as CommonJS)', process.execPath, [tsc, '-p', 'tsconfig.node16.json']);
  await step(dir, 'tsc --moduleResolution bundler', process.execPath, [tsc, '-p', 'tsconfig.bundler.json']);
  rmSync(dir, { recursive: true, force: true });
}
