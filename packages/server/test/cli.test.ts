/**
 * The `tsgi` CLI as a child process: help, clear errors (bad flag, missing module,
 * missing export, port in use), the start-up line, and settings from flags over
 * TSGI_* over a config file (.json and .js).
 */
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { APP_SOURCE, fixtureDir, freePort, getOnce, runCli, startedUrl, stopCli } from './cli-harness.js';

jest.setTimeout(40_000);

const dir = fixtureDir({
  'app.mjs': APP_SOURCE,
  'tsgi.config.json': JSON.stringify({ app: 'app.mjs:app', workers: 1, port: 1 }),
  'tsgi.config.mjs': "export default { app: './app.mjs', workers: 1, host: '127.0.0.1' };\n",
  'typed.ts': "import type { Application } from '@tsgi/core';\nconst app: Application = (_e, sr) => { sr('200 OK', []); return [Buffer.from('typed')]; };\nexport default app;\n",
});

test('--help prints the usage and the options, exit 0', async () => {
  const cli = runCli(['--help']);
  expect(await cli.exited).toBe(0);
  expect(cli.stdout()).toMatch(/^Usage: tsgi serve <module>\[:export\]/);
  for (const flag of ['--workers', '--graceful-timeout', '--max-requests', '--keep-alive', '--config']) {
    expect(cli.stdout()).toContain(flag);
  }
});

test('an unknown flag and a bad value are usage errors (exit 2) that name the problem', async () => {
  const unknown = runCli(['serve', 'app.mjs', '--wrokers', '2'], {}, dir);
  const bad = runCli(['serve', 'app.mjs', '--workers', 'many'], {}, dir);
  expect(await unknown.exited).toBe(2);
  expect(unknown.stderr()).toMatch(/--wrokers/);
  expect(await bad.exited).toBe(2);
  expect(bad.stderr()).toMatch(/workers \(from the command line\) must be a positive number, got "many"/);
});

test('a missing module and a missing export are clear errors, exit 1', async () => {
  const missing = runCli(['serve', './nope.mjs', '--port', '0', '--workers', '1'], {}, dir);
  expect(await missing.exited).toBe(1);
  expect(missing.stderr()).toContain(`cannot find the application module './nope.mjs' (looked for ${path.join(dir, 'nope.mjs')})`);
  const noExport = runCli(['serve', 'app.mjs:nothere', '--port', '0', '--workers', '1'], {}, dir);
  expect(await noExport.exited).toBe(1);
  expect(noExport.stderr()).toMatch(/'app.mjs' has no export 'nothere' \(it exports: app\)/);
});

test('a port in use is a clear error, exit 1', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const cli = runCli(['serve', 'app.mjs', '--port', String(port), '--workers', '1'], {}, dir);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`);
  } finally {
    blocker.close();
  }
});

test('flags beat TSGI_* which beat the config file; the start-up line names address, workers, pid', async () => {
  const port = await freePort();
  // The config file says port 1 (would fail); TSGI_PORT says 2; the flag wins.
  const cli = runCli(['serve', '--config', 'tsgi.config.json', '--port', String(port)], { TSGI_PORT: '2', TSGI_WORKERS: '2' }, dir);
  try {
    const url = await startedUrl(cli);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(cli.stdout()).toContain(`with 2 worker(s) (primary pid ${cli.child.pid})`);
    const answer = await getOnce(url);
    expect(answer.status).toBe(200);
    expect(Number(answer.body)).not.toBe(cli.child.pid); // answered by a worker
  } finally {
    await stopCli(cli);
  }
  expect(await cli.exited).toBe(0);
});

test('a .js config module and a TypeScript app (under tsx)', async () => {
  const port = await freePort();
  const viaJs = runCli(['serve', '-c', 'tsgi.config.mjs'], { TSGI_PORT: String(port) }, dir);
  try {
    const url = await startedUrl(viaJs);
    expect((await getOnce(url)).status).toBe(200);
  } finally {
    await stopCli(viaJs);
  }
  const typed = runCli(['serve', 'typed.ts', '--port', '0', '--workers', '1'], {}, dir);
  try {
    const url = await startedUrl(typed);
    expect(await getOnce(url)).toEqual({ status: 200, body: 'typed' });
  } finally {
    await stopCli(typed);
  }
});
