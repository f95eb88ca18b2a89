/**
 * The primary's life, for the bad cases of issue #20: `--timeout 0` turns the
 * heartbeat check off (it used to restart every worker in a loop); connections that
 * arrive while the only worker is being replaced wait in the primary and are served
 * (they used to be refused), but not past --graceful-timeout; and the primary stops itself and its workers when its
 * parent dies without passing a signal on, as npx and pnpm do.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_SOURCE, CLI, fixtureDir, getOnce, ROOT, runCli, startedUrl, stopCli, waitForOutput } from './cli-harness.js';

jest.setTimeout(60_000);

const dir = fixtureDir({ 'app.mjs': APP_SOURCE });
/** APP_SOURCE, whose import waits for a write to the FIFO `gate` beside it when there is one. */
const GATED_APP = `
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
const gate = new URL('./gate', import.meta.url);
if (existsSync(gate)) await readFile(gate);
${APP_SOURCE}`;

/** A connection that the listening socket accepted, with a request written on it. */
function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /pid HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Everything the server sent on `socket`, once it closed it. */
function answerOf(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('close', () => (text === '' ? reject(new Error('closed without an answer')) : resolve(text)));
  });
}

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
  // The replacement worker imports the app while a FIFO named `gate` exists, and the
  // import waits until the test writes to it: the connections are known to arrive while
  // no worker is ready, however fast or slow the machine (no sleeps, no races).
  const gated = fixtureDir({ 'app.mjs': GATED_APP });
  const gate = path.join(gated, 'gate');
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1'], {}, gated);
  try {
    const url = await startedUrl(cli);
    const before = Number((await getOnce(`${url}/pid`)).body);
    execFileSync('mkfifo', [gate]);
    await expect(getOnce(`${url}/crash`)).rejects.toThrow(); // the only worker exits
    await waitForOutput(cli, 'stderr', /worker \d+ died \(exit code 3\); starting a new one/);
    // Accepted by the primary's socket; each waits there for a worker.
    const port = Number(new URL(url).port);
    const answers = (await Promise.all(Array.from({ length: 10 }, () => connected(port)))).map(answerOf);
    await writeFile(gate, 'go'); // lets the replacement finish booting
    for (const answer of await Promise.all(answers)) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(Number(answer.slice(answer.indexOf('\r\n\r\n') + 4))).not.toBe(before);
    }
  } finally {
    await stopCli(cli);
  }
});

test('a connection no worker takes within --graceful-timeout is closed, not kept waiting', async () => {
  const gated = fixtureDir({ 'app.mjs': GATED_APP });
  const gate = path.join(gated, 'gate');
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--graceful-timeout', '1'], {}, gated);
  try {
    const url = await startedUrl(cli);
    execFileSync('mkfifo', [gate]);
    await expect(getOnce(`${url}/crash`)).rejects.toThrow();
    await waitForOutput(cli, 'stderr', /worker \d+ died/);
    // The replacement waits on the gate: no worker will be ready.
    const answer = answerOf(await connected(Number(new URL(url).port)));
    const limit = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 10_000).unref());
    // Closed by the primary with the request unread: a FIN or a reset, at once either way.
    expect(await Promise.race([answer.then(() => 'answered', (error: Error) => error.message), limit])).toMatch(/^(closed without an answer|read ECONNRESET)$/);
  } finally {
    // The booting replacement has no SIGTERM handler yet: it is killed, never let through the gate.
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
