/**
 * A worker killed with connections queued for it (issue #26.3). The primary hands each
 * connection to a worker over IPC; node queues the handles until the worker
 * acknowledges one, and used to drop that queue, uncalled, when the worker died: those
 * clients waited until their own timeout and the primary kept their file descriptors
 * for good. Now the primary re-deals every connection the dead worker had not taken to
 * a live one.
 *
 * The victim blocks its event loop first (`/hang`), so the connections dealt to it pile
 * up unacknowledged, as under load, and it is killed with SIGKILL mid-load.
 */
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { APP_SOURCE, fixtureDir, getOnce, runCli, startedUrl, stopCli, waitForOutput } from './cli-harness.js';

jest.setTimeout(60_000);

const GRACEFUL_SECONDS = 3;
const dir = fixtureDir({ 'app.mjs': APP_SOURCE });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

type Outcome = 'answered' | 'closed' | 'stuck';

/** One request on a new connection: answered (a status line came), closed without one, or still waiting at `limitMs`. */
function request(port: number, path: string, limitMs: number): Promise<{ outcome: Outcome; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ outcome: 'stuck', body: text });
    }, limitMs);
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined); // a reset is a prompt close
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ outcome: text.startsWith('HTTP/1.1 200') ? 'answered' : 'closed', body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

test('a worker killed under load: its queued connections go to a live worker, none waits, no fd is kept', async () => {
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '2', '--timeout', '0', '--graceful-timeout', String(GRACEFUL_SECONDS)], {}, dir);
  try {
    const url = await startedUrl(cli);
    const port = Number(new URL(url).port);
    const pids = new Set<number>();
    // The start-up line comes with the first worker; the second may still be booting.
    const booted = Date.now() + 15_000;
    while (pids.size < 2 && Date.now() < booted) pids.add(Number((await getOnce(`${url}/pid`)).body));
    expect(pids.size).toBe(2);
    const primary = cli.child.pid!;
    const fdsBefore = openFds(primary);

    // One worker blocks; the next request is answered by the other, so the victim is known.
    const hung = request(port, '/hang', 30_000);
    const other = Number((await getOnce(`${url}/pid`)).body);
    const victim = [...pids].find((pid) => pid !== other)!;
    expect(pids.has(other)).toBe(true);

    // 200 new connections over ~2 s; the victim is killed after the first 60.
    const limit = (GRACEFUL_SECONDS + 1) * 1000;
    const clients: Array<Promise<{ outcome: Outcome; body: string }>> = [];
    for (let i = 0; i < 200; i++) {
      if (i === 60) process.kill(victim, 'SIGKILL');
      clients.push(request(port, '/pid', limit));
      await sleep(10);
    }
    const results = await Promise.all(clients);
    expect((await hung).outcome).toBe('closed');
    const count = (outcome: Outcome): number => results.filter((r) => r.outcome === outcome).length;
    expect({ stuck: count('stuck') }).toEqual({ stuck: 0 });
    // Connections the victim never took were served by a live worker, not cut.
    expect(count('answered')).toBe(200);
    expect(results.some((r) => Number(r.body) === victim)).toBe(false);
    await waitForOutput(cli, 'stderr', new RegExp(`worker ${victim} died \\(SIGKILL\\); starting a new one`));

    // The handles the primary held for the victim's queue are closed again.
    const end = Date.now() + 5000;
    while (openFds(primary) !== fdsBefore && Date.now() < end) await sleep(50);
    expect(openFds(primary)).toBe(fdsBefore);
  } finally {
    await stopCli(cli);
  }
});
