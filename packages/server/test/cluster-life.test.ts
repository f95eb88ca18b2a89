/**
 * The primary's life, for the bad cases of issue #20: `--timeout 0` turns the
 * heartbeat check off (it used to restart every worker in a loop); connections that
 * arrive while the only worker is being replaced wait in the backlog and are served
 * (they used to be refused); and the primary stops itself and its workers when its
 * parent dies without passing a signal on, as npx and pnpm do.
 */
import { spawn } from 'node:child_process';
import { APP_SOURCE, CLI, fixtureDir, getOnce, ROOT, runCli, startedUrl, stopCli } from './cli-harness.js';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

jest.setTimeout(60_000);

const dir = fixtureDir({ 'app.mjs': APP_SOURCE });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('--timeout 0: no heartbeat check, so an idle worker is never killed', async () => {
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--timeout', '0'], {}, dir);
  try {
    const url = await startedUrl(cli);
    const first = (await getOnce(`${url}/pid`)).body;
    // Longer than the watchdog's tick and than any heartbeat gap: with the old
    // `now - beat > 0` check the worker was killed within the first second.
    await sleep(2500);
    expect((await getOnce(`${url}/pid`)).body).toBe(first);
    expect(cli.stderr()).not.toMatch(/silent|died/);
  } finally {
    await stopCli(cli);
  }
});

test('with one worker, connections arriving while it is replaced wait and are served', async () => {
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1'], {}, dir);
  try {
    const url = await startedUrl(cli);
    const before = Number((await getOnce(`${url}/pid`)).body);
    await expect(getOnce(`${url}/crash`)).rejects.toThrow(); // the only worker exits
    // No worker listens now; these connect at once and must wait for the next one.
    const answers = await Promise.all(Array.from({ length: 10 }, () => getOnce(`${url}/pid`, 20_000)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(Number(answer.body)).not.toBe(before);
    }
    expect(cli.stderr()).toMatch(/worker \d+ died \(exit code 3\); starting a new one/);
  } finally {
    await stopCli(cli);
  }
});

test("the primary stops its workers and exits when its parent dies (npx/pnpm killed)", async () => {
  // A stand-in for npx: starts the CLI, reports the primary's pid, then waits to be killed.
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const parentSource = `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['--import', ${JSON.stringify(tsx)}, ${JSON.stringify(CLI)}, 'serve', 'app.mjs', '--port', '0', '--workers', '2'],
      { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, TSX_TSCONFIG_PATH: ${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} } });
    process.stdout.write('primary ' + child.pid + '\\n');
    setInterval(() => undefined, 1000);
  `;
  const parent = spawn(process.execPath, ['-e', parentSource], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  parent.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  parent.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let primary = 0;
  const workers = new Set<number>();
  try {
    const end = Date.now() + 20_000;
    let url: string | undefined;
    while (url === undefined && Date.now() < end) {
      url = /on (http:\/\/\S+) with/.exec(out)?.[1];
      await sleep(50);
    }
    primary = Number(/primary (\d+)/.exec(out)?.[1]);
    expect(url).toBeDefined();
    for (let i = 0; i < 6; i++) workers.add(Number((await getOnce(`${url}/pid`)).body));
    expect(alive(primary)).toBe(true);
    parent.kill('SIGKILL'); // no signal reaches the primary
    const gone = Date.now() + 10_000;
    while ((alive(primary) || [...workers].some(alive)) && Date.now() < gone) await sleep(100);
    expect(alive(primary)).toBe(false);
    expect([...workers].filter(alive)).toEqual([]);
    expect(err).toMatch(/parent process \d+ exited: stopping 2 worker\(s\)/);
    expect(err).toMatch(/all workers stopped/);
  } finally {
    if (parent.exitCode === null) parent.kill('SIGKILL');
    for (const pid of [primary, ...workers]) if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('forking many workers prints progress, and SIGTERM while they boot stops them all', async () => {
  const args = ['serve', 'app.mjs', '--port', '0', '--workers', '8', '--workers-max', '8'];
  const booting = runCli(args, {}, dir);
  const end = Date.now() + 10_000;
  while (!/starting 8 workers/.test(booting.stderr()) && Date.now() < end) await sleep(20);
  booting.child.kill('SIGTERM');
  const timer = setTimeout(() => booting.child.kill('SIGKILL'), 15_000);
  expect(await booting.exited).toBe(0);
  clearTimeout(timer);
  expect(booting.stderr()).toMatch(/SIGTERM: stopping 8 worker\(s\)/);

  const cli = runCli(args, {}, dir);
  try {
    await startedUrl(cli, 30_000);
    const all = Date.now() + 30_000;
    while (!/8\/8 workers listening/.test(cli.stderr()) && Date.now() < all) await sleep(50);
    expect(cli.stderr()).toMatch(/starting 8 workers[\s\S]*2\/8 workers listening[\s\S]*4\/8[\s\S]*6\/8[\s\S]*8\/8 workers listening/);
  } finally {
    await stopCli(cli);
  }
});
