/**
 * Requests per second for the two rows of issue #34's table: `GET /api/articles`
 * (20 articles on the page, anonymous) and `POST /api/users/login` (one scrypt per
 * request), through `load()` of bench/lib/harness.ts (autocannon, the same settings
 * as `pnpm bench`: BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS), against the
 * `tsgi` CLI serving server.ts: PGlite with 1 worker and PostgreSQL with 2 workers.
 * The median of the rounds is printed as a Markdown table.
 *
 *     node --import tsx examples/realworld/bench.ts
 *
 * Only the tsgi implementation is measured: the Express, Fastify and Hono RealWorld
 * repositories cannot be fetched here to run beside it (see README.md).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv, load, type LoadResult } from '../../bench/lib/harness.js';
import { startPostgres } from './test/postgres.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The `tsgi` CLI, as a user runs it; resolves with its URL once it serves. */
async function serveCli(args: string[], env: Record<string, string | undefined>): Promise<{ url: string; child: ChildProcess }> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const child = spawn(process.execPath, [path.join(ROOT, 'packages/cli/bin/tsgi.js'), ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (const end = Date.now() + 180_000; ; ) {
    const match = /serving \S+ on (\S+) with/.exec(out);
    if (match) return { url: match[1]!, child };
    if (child.exitCode !== null || Date.now() > end) throw new Error(`the CLI did not start:\n${out}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const TARGET = 'examples/realworld/server.ts:main()';
const config = configFromEnv();

interface UserReply {
  user: { token: string };
}

async function post(url: string, body: unknown, token?: string): Promise<UserReply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Token ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as UserReply;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(label: string, env: Record<string, string | undefined>, workers: number): Promise<string[]> {
  const { url: base, child } = await serveCli(['serve', TARGET, '--port', '0', '--workers', String(workers)], env);
  try {
    const user = { username: 'bench', email: 'bench@example.org', password: 'bench password' };
    const { user: registered } = await post(`${base}/api/users`, { user });
    for (let i = 0; i < 20; i++) {
      await post(`${base}/api/articles`, { article: { title: `Article ${i}`, description: 'about it', body: 'text '.repeat(100), tagList: ['bench', `t${i}`] } }, registered.token);
    }
    const rows: string[] = [];
    const scenarios: Array<[string, string, { method?: string; body?: Buffer }, Record<string, string>]> = [
      ['GET /api/articles', `${base}/api/articles`, {}, {}],
      ['POST /api/users/login', `${base}/api/users/login`, { method: 'POST', body: Buffer.from(JSON.stringify({ user: { email: user.email, password: user.password } })) }, { 'Content-Type': 'application/json' }],
    ];
    for (const [name, url, request, headers] of scenarios) {
      await load(url, config.warmup, config, headers, request);
      const rounds: LoadResult[] = [];
      for (let i = 0; i < config.rounds; i++) rounds.push(await load(url, config.duration, config, headers, request));
      const bad = rounds.reduce((sum, r) => sum + r.errors + r.non2xx, 0);
      rows.push(`| ${label} | ${name} | ${Math.round(median(rounds.map((r) => r.requestsPerSec)))} | ${median(rounds.map((r) => r.latencyP99))} | ${bad} |`);
      console.error(rows.at(-1));
    }
    return rows;
  } finally {
    await stop(child);
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'conduit-bench-'));
const pg = await startPostgres();
try {
  const rows = [
    ...(await measure('PGlite, 1 worker', { CONDUIT_DATA_DIR: dataDir, DATABASE_URL: undefined }, 1)),
    ...(await measure('PostgreSQL 15, 2 workers', { DATABASE_URL: pg.url }, 2)),
  ];
  console.log(`${config.rounds} rounds of ${config.duration} s, ${config.connections} connections, median\n`);
  console.log('| storage | request | req/s | p99 ms | errors + non-2xx |\n|---|---|---:|---:|---:|');
  console.log(rows.join('\n'));
} finally {
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
