/**
 * Conduit on the fetch runtimes, with the embedded database: fetch-runtime.ts bundled
 * by esbuild (the workspace's @tsgi/* from their sources; PGlite, pg and jose left as
 * packages, resolved from node_modules), then run by Bun (`Bun.serve`) and Deno
 * (`Deno.serve`) from npm's bun and deno packages, each on its own copy of a migrated
 * PGlite data directory (pglite-template.ts: the initdb is paid once, not per runtime).
 * Each gets the same short journey over a real socket. Nothing is skipped: a runtime
 * that does not start fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { pgliteCopy, pgliteTemplate } from './pglite-template.js';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const OUT = path.join(__dirname, '..', '.build', 'fetch-runtime.mjs');
const RUNTIMES: Array<[string, string, string[]]> = [
  ['bun', path.join(ROOT, 'node_modules/bun/bin/bun.exe'), [OUT]],
  ['deno', path.join(ROOT, 'node_modules/deno/deno'), ['run', '--quiet', '--allow-all', OUT]],
];

interface Running {
  name: string;
  child: ChildProcess;
  dataDir: string;
  url: string;
  output(): string;
}

async function start(name: string, command: string, args: string[]): Promise<Running> {
  const dataDir = pgliteCopy();
  const child = spawn(command, args, {
    cwd: path.dirname(OUT),
    env: { ...process.env, PORT: '0', CONDUIT_DATA_DIR: dataDir, CONDUIT_LINT: '1', DATABASE_URL: '', NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const end = Date.now() + 150_000;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) return { name, child, dataDir, url: match[1]!, output: () => out };
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let running: Running[] = [];
beforeAll(async () => {
  mkdirSync(path.dirname(OUT), { recursive: true });
  await build({
    entryPoints: [path.join(__dirname, '..', 'fetch-runtime.ts')],
    outfile: OUT,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    external: ['@electric-sql/pglite', 'pg', 'jose'],
    logLevel: 'silent',
  });
  pgliteTemplate(); // made before the two starts ask for it at once
  const started = await Promise.allSettled(RUNTIMES.map(([name, command, args]) => start(name, command, args)));
  running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  if (failed.length > 0) throw new Error(failed.join('\n'));
}, 180_000);

afterAll(async () => {
  await Promise.all(
    running.map(
      ({ child, dataDir }) =>
        new Promise<void>((resolve) => {
          const done = (): void => {
            rmSync(dataDir, { recursive: true, force: true });
            resolve();
          };
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
    ),
  );
});

/** The parts of Conduit's answers this test reads. */
interface Reply {
  user: { token: string };
  article: Record<string, unknown>;
  articlesCount: number;
}

async function call(base: string, method: string, target: string, body?: unknown, token?: string): Promise<{ status: number; json: Reply }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers.Authorization = `Token ${token}`;
  const res = await fetch(new URL(target, base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Reply };
}

test.each(RUNTIMES.map(([name]) => name))('%s: register, log in, write, list, refuse', async (name) => {
  const { url, output } = running.find((r) => r.name === name)!;
  expect(output()).toMatch(/conduit: pglite ready in \d+ ms/);
  const registered = await call(url, 'POST', '/api/users', { user: { username: 'ann', email: 'ann@example.org', password: 'ann password' } });
  expect(registered.status).toBe(201);
  const login = await call(url, 'POST', '/api/users/login', { user: { email: 'ann@example.org', password: 'ann password' } });
  expect(login.status).toBe(200);
  const token = login.json.user.token;
  const created = await call(url, 'POST', '/api/articles', { article: { title: `On ${name}`, description: 'd', body: 'b', tagList: [name] } }, token);
  expect(created.status).toBe(201);
  expect(created.json.article).toMatchObject({ slug: `on-${name}`, tagList: [name], author: { username: 'ann' } });
  expect((await call(url, 'GET', `/api/articles?tag=${name}`)).json).toMatchObject({ articlesCount: 1 });
  const refused = await call(url, 'DELETE', `/api/articles/on-${name}`);
  expect(refused).toEqual({ status: 401, json: { errors: { body: ["authorization required: send 'Authorization: Token <jwt>'"] } } });
  const invalid = await call(url, 'POST', '/api/articles', { article: { title: 5 } }, token);
  expect(invalid.status).toBe(422);
});
