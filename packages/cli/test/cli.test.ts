/**
 * The `tsgi` CLI as a child process: help, clear errors (each bad input of issue #20:
 * 1e3, 0x10, -1, an unknown option; a missing module, a missing export, a port in
 * use), the start-up line, and settings from flags over TSGI_* over a config file.
 */
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { APP_SOURCE, exitCode, fixtureDir, freePort, getOnce, runCli, startedUrl, stopCli } from './cli-harness.js';

jest.setTimeout(40_000);

const dir = fixtureDir({
  'app.mjs': APP_SOURCE,
  'tsgi.config.json': JSON.stringify({ app: 'app.mjs:app', workers: 1, port: 1 }),
  'tsgi.config.mjs': "export default { app: './app.mjs', workers: 1, host: '127.0.0.1' };\n",
  'typo.json': JSON.stringify({ app: 'app.mjs', worker: 2 }),
  'env.mjs': "export default (_e, sr) => { sr('200 OK', []); return [Buffer.from(process.env.NODE_ENV ?? '(unset)')]; };\n",
  'src/app.mjs': APP_SOURCE,
  'factory.mjs': `
const answer = (text) => (environ, startResponse) => { startResponse('200 OK', []); return [Buffer.from(text)]; };
export default function createApp() { return answer('made'); }
export function withArgs(env, n) { return answer(env + ' ' + n); }
export const later = async options => { await new Promise((resolve) => setTimeout(resolve, 10)); return answer(JSON.stringify(options)); };
`,
  'typed.ts': "import type { Application } from '@tsgi/core';\nconst app: Application = (_e, sr) => { sr('200 OK', []); return [Buffer.from('typed')]; };\nexport default app;\n",
});

test('--help prints the usage and the options, exit 0', async () => {
  const cli = runCli(['--help']);
  expect(await cli.exited).toBe(0);
  expect(cli.stdout()).toMatch(/^Usage: tsgi serve <module>\[:export\]/);
  for (const flag of ['--workers', '--graceful-timeout', '--max-requests', '--keep-alive', '--config', '--bind', '--certfile', '--access-log', '0 = never']) {
    expect(cli.stdout()).toContain(flag);
  }
});

test.each([
  [['--workers', '1e3'], /^tsgi: error: --workers must be a whole number from 1 to \d+ \(the cap is \d+; --workers-max raises it\), got "1e3"$/],
  [['--workers', '0x10'], /^tsgi: error: --workers must be a whole number from 1 to \d+ .*, got "0x10"$/],
  [['--port', '-1'], /^tsgi: error: --port must be a whole number from 0 to 65535, got "-1"$/],
  [['--worker', '2'], /^tsgi: error: unknown option --worker \(did you mean --workers\?\); run 'tsgi --help' for the options$/],
  [['--workers', 'many'], /^tsgi: error: --workers must be a whole number from 1 to \d+ .*, got "many"$/],
  [['--bind', 'unix:'], /^tsgi: error: --bind "unix:": give a socket path, e.g. unix:\/run\/tsgi.sock$/],
])('tsgi serve app.mjs %j: one line on stderr, exit 2, no stack, nothing started', async (args, message) => {
  const cli = runCli(['serve', 'app.mjs', ...args], {}, dir);
  expect(await cli.exited).toBe(2);
  expect(cli.stderr().trimEnd()).toMatch(message);
  expect(cli.stderr().trimEnd().split('\n')).toHaveLength(1);
  expect(cli.stdout()).toBe('');
});

test('an unknown command gets a did-you-mean; a bad config file key too', async () => {
  const command = runCli(['serv', 'app.mjs'], {}, dir);
  const key = runCli(['serve', '-c', 'typo.json'], {}, dir);
  expect(await command.exited).toBe(2);
  expect(command.stderr()).toBe("tsgi: error: unknown command 'serv' (did you mean 'serve'?): tsgi serve <module>[:export]\n");
  expect(await key.exited).toBe(2);
  expect(key.stderr()).toBe(`tsgi: error: config file ${path.join(dir, 'typo.json')}: unknown setting "worker" (did you mean "workers"?)\n`);
});

test('a missing module is a usage error, exit 2; a missing export a clear error, exit 1', async () => {
  const missing = runCli(['serve', './nope.mjs', '--port', '0', '--workers', '1'], {}, dir);
  expect(await exitCode(missing)).toBe(2);
  expect(missing.stderr()).toBe(`tsgi: error: cannot find the application module './nope.mjs' (looked for ${path.join(dir, 'nope.mjs')})\n`);
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

test('a module path as people type it: no ./, no extension, a folder with an index file', async () => {
  const cli = runCli(['serve', 'src/app', '--port', '0', '--workers', '1'], {}, dir);
  try {
    expect((await getOnce(await startedUrl(cli))).status).toBe(200);
  } finally {
    await stopCli(cli);
  }
});

test('a module that is not there: one line with the nearest file, exit 2, before the port is tried', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const cli = runCli(['serve', 'src/ap', '--port', String(port), '--workers', '1'], {}, dir);
    expect(await exitCode(cli)).toBe(2);
    expect(cli.stderr()).toBe(
      `tsgi: error: cannot find the application module 'src/ap' (looked for ${path.join(dir, 'src/ap')} with .js, .mjs, .cjs, .ts, .mts, .cts, ` +
        `and ${path.join(dir, 'src/ap/index.*')}; no package 'src' is installed either): did you mean ./src/app.mjs?\n`,
    );
  } finally {
    blocker.close();
  }
});

test('a factory as the export: refused at start with the target to type, exit 1', async () => {
  const cli = runCli(['serve', 'factory.mjs', '--port', '0', '--workers', '1'], {}, dir);
  expect(await exitCode(cli)).toBe(1);
  expect(cli.stderr()).toBe(
    "tsgi: error: 'factory.mjs' export 'default' takes 0 parameters, so it is not an application (environ, startResponse); " +
      "if it makes the application, serve what it returns: tsgi serve 'factory.mjs:default()' (literal arguments go inside the parentheses)\n",
  );
});

test.each([
  ['factory.mjs:default()', 'made'],
  ["factory.mjs:withArgs('prod', 3)", 'prod 3'],
  ['factory.mjs:later({ debug: true, "tags": ["a:b"] })', '{"debug":true,"tags":["a:b"]}'],
])("gunicorn's factory call %s: what the factory returns (awaited) is served", async (target, body) => {
  const cli = runCli(['serve', target, '--port', '0', '--workers', '1'], {}, dir);
  try {
    expect(await getOnce(await startedUrl(cli))).toEqual({ status: 200, body });
  } finally {
    await stopCli(cli);
  }
});

test('a factory call with anything but literals is refused before anything runs, exit 2', async () => {
  const cli = runCli(['serve', 'factory.mjs:withArgs(process.exit(7))', '--port', '0', '--workers', '1'], {}, dir);
  expect(await exitCode(cli)).toBe(2);
  expect(cli.stderr()).toMatch(/^tsgi: error: the application 'factory\.mjs:withArgs\(process\.exit\(7\)\)': 'process' is not a literal at character 1 of .*nothing is evaluated\n$/);
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

describe('NODE_ENV: production unless told otherwise, before the app is imported', () => {
  test.each([
    ['unset', 'production', [], { NODE_ENV: undefined }],
    ['empty', 'production', [], { NODE_ENV: '' }],
    ['unset, --dev', '(unset)', ['--dev'], { NODE_ENV: undefined }],
    ['unset, TSGI_DEV=1', '(unset)', [], { NODE_ENV: undefined, TSGI_DEV: '1' }],
    ['set by the user', 'staging', [], { NODE_ENV: 'staging' }],
    ['set by the user, --dev', 'development', ['--dev'], { NODE_ENV: 'development' }],
  ])('NODE_ENV %s: the app sees %s', async (_what, seen, flags, env) => {
    const cli = runCli(['serve', 'env.mjs', '--port', '0', '--workers', '1', ...flags], env, dir);
    try {
      expect(await getOnce(await startedUrl(cli))).toEqual({ status: 200, body: seen });
    } finally {
      await stopCli(cli);
    }
  });

  test('--help says so', async () => {
    const cli = runCli(['--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/--dev +keep NODE_ENV unset/);
    expect(cli.stdout()).toContain('NODE_ENV=production when it is not set');
  });
});
