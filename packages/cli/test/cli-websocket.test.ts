/**
 * WebSocket connections on the CLI's workers: a worker holding an open socket longer
 * than --timeout keeps beating its heartbeat and is never killed for it; SIGHUP
 * replaces the worker, and its sockets get 1001 once --graceful-timeout passed; so does
 * SIGTERM (graceful shutdown), after which the CLI exits.
 */
import WebSocket from 'ws';
import { exitCode, fixtureDir, runCli, startedUrl, stopCli, type Cli } from './cli-harness.js';

jest.setTimeout(40_000);

// unlinted: a plain-JS module for the CLI, no workspace imports; the stack it meets is the CLI's own.
const APP = `export default (environ, startResponse) => {
  environ['tsgi.websocket'].accept({ message: (ws, data) => ws.send(data === 'pid' ? String(process.pid) : data) });
  startResponse('101 Switching Protocols', []);
  return [];
};
`;
const dir = fixtureDir({ 'socket-app.mjs': APP });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function ask(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    ws.once('message', (data: Buffer) => resolve(data.toString()));
    ws.send(text);
  });
}

let cli: Cli | undefined;
afterEach(async () => {
  if (cli) await stopCli(cli);
  cli = undefined;
});

test('an open socket outlives --timeout on the same worker; SIGHUP closes it with 1001 after --graceful-timeout', async () => {
  cli = runCli(['serve', 'socket-app.mjs', '--port', '0', '--workers', '1', '--timeout', '1', '--graceful-timeout', '1'], {}, dir);
  const url = await startedUrl(cli);
  const ws = new WebSocket(url.replace('http', 'ws'));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const pid = await ask(ws, 'pid');
  await sleep(3000);
  expect(await ask(ws, 'pid')).toBe(pid);
  expect(cli.stderr()).not.toMatch(/killing it/);

  const closed = new Promise<[number, number]>((resolve) => ws.once('close', (code: number) => resolve([code, Date.now()])));
  const reloaded = Date.now();
  cli.child.kill('SIGHUP');
  const [code, at] = await closed;
  expect(code).toBe(1001);
  expect(at - reloaded).toBeGreaterThanOrEqual(900);
  // The new worker takes new sockets.
  const fresh = new WebSocket(url.replace('http', 'ws'));
  await new Promise((resolve, reject) => fresh.once('open', resolve).once('error', reject));
  expect(await ask(fresh, 'pid')).not.toBe(pid);
  fresh.close();
});

test('SIGTERM closes an open socket with 1001 once --graceful-timeout passed, then the CLI exits 0', async () => {
  cli = runCli(['serve', 'socket-app.mjs', '--port', '0', '--workers', '1', '--graceful-timeout', '1'], {}, dir);
  const url = await startedUrl(cli);
  const ws = new WebSocket(url.replace('http', 'ws'));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  expect(await ask(ws, 'echo')).toBe('echo');
  const closed = new Promise<[number, number]>((resolve) => ws.once('close', (code: number) => resolve([code, Date.now()])));
  const stopping = Date.now();
  cli.child.kill('SIGTERM');
  const [code, at] = await closed;
  expect(code).toBe(1001);
  // Held through the drain timeout, not cut at once.
  expect(at - stopping).toBeGreaterThanOrEqual(900);
  expect(await exitCode(cli)).toBe(0);
});
