/**
 * The CLI's workers under real signals: a crashing worker is replaced, a worker that
 * blocks its event loop is killed after --timeout, SIGHUP replaces every worker with
 * no refused connection under a steady load, --max-requests recycles a worker without
 * dropping a request, and SIGTERM lets in-flight requests finish while new
 * connections are refused.
 */
import { APP_SOURCE, fixtureDir, getOnce, runCli, startedUrl, stopCli, type Cli } from './cli-harness.js';

jest.setTimeout(50_000);

const dir = fixtureDir({ 'app.mjs': APP_SOURCE });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Worker pids that answer, over `n` fresh connections. */
async function pidsOf(url: string, n: number, timeoutMs?: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < n; i++) pids.add(Number((await getOnce(`${url}/pid`, timeoutMs)).body));
  return pids;
}

/** pidsOf for polling: a request that lands on a blocked or dying worker counts as "not yet". */
async function pidsSoFar(url: string, n: number): Promise<Set<number>> {
  try {
    return await pidsOf(url, n, 1000);
  } catch {
    return new Set();
  }
}

/** Polls until `check` passes or `ms` pass; returns whether it passed. */
async function eventually(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

describe('a cluster of 2 workers', () => {
  let cli: Cli;
  let url: string;
  beforeAll(async () => {
    cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '2', '--timeout', '2', '--graceful-timeout', '5'], {}, dir);
    url = await startedUrl(cli);
    // Both workers up (the primary deals new connections to each in turn).
    expect(await eventually(async () => (await pidsSoFar(url, 4)).size === 2, 10_000)).toBe(true);
  });
  afterAll(() => stopCli(cli));

  test('a crashing worker is replaced', async () => {
    const before = await pidsOf(url, 4);
    await expect(getOnce(`${url}/crash`)).rejects.toThrow(); // that worker exits mid-request
    expect(await eventually(async () => {
      const now = await pidsSoFar(url, 4);
      return now.size === 2 && [...now].some((pid) => !before.has(pid));
    }, 15_000)).toBe(true);
    expect(cli.stderr()).toMatch(/worker \d+ died \(exit code 3\); starting a new one/);
  });

  test('a worker blocked past --timeout is killed and replaced', async () => {
    const before = await pidsOf(url, 4);
    void getOnce(`${url}/hang`, 20_000).catch(() => undefined);
    expect(await eventually(() => /silent for 2s; killing it/.test(cli.stderr()), 10_000)).toBe(true);
    expect(await eventually(async () => {
      const now = await pidsSoFar(url, 4);
      return now.size === 2 && [...now].some((pid) => !before.has(pid));
    }, 15_000)).toBe(true);
  });

  test('SIGHUP replaces every worker and refuses no connection under a steady load', async () => {
    const before = await pidsOf(url, 4);
    const failures: string[] = [];
    let done = 0;
    let loading = true;
    // Two clients, each a new connection per request, for the whole reload.
    const client = async (): Promise<void> => {
      while (loading) {
        try {
          const answer = await getOnce(`${url}/pid`);
          if (answer.status !== 200) failures.push(`status ${answer.status}`);
          done++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const clients = [client(), client()];
    await sleep(200);
    cli.child.kill('SIGHUP');
    const reloaded = await eventually(() => /reload done/.test(cli.stderr()), 20_000);
    await sleep(300);
    loading = false;
    await Promise.all(clients);
    expect(reloaded).toBe(true);
    expect(failures).toEqual([]);
    expect(done).toBeGreaterThan(20);
    const after = await pidsOf(url, 4);
    expect(after.size).toBe(2);
    for (const pid of after) expect(before.has(pid)).toBe(false);
  });

  test('SIGTERM: in-flight requests finish, new connections are refused, exit 0', async () => {
    const slow = getOnce(`${url}/slow`);
    await sleep(150); // the request is in the app now
    cli.child.kill('SIGTERM');
    await sleep(150);
    const late = await getOnce(`${url}/pid`, 2000).then(
      (answer) => `answered ${answer.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^slow done \d+$/);
    expect(late).toBe('ECONNREFUSED');
    expect(await cli.exited).toBe(0);
  });
});

test('--max-requests recycles the worker without dropping a request', async () => {
  const cli = runCli(['serve', 'app.mjs', '--port', '0', '--workers', '1', '--max-requests', '5', '--max-requests-jitter', '2'], {}, dir);
  try {
    const url = await startedUrl(cli);
    const pids: number[] = [];
    // A replacement boots before the old worker stops, so pace the requests and
    // watch the pid change, up to 3 workers or 20 s.
    const end = Date.now() + 20_000;
    while (new Set(pids).size < 3 && Date.now() < end) {
      const answer = await getOnce(`${url}/pid`);
      expect(answer.status).toBe(200);
      pids.push(Number(answer.body));
      await sleep(20);
    }
    expect(new Set(pids).size).toBe(3);
    // The first worker served at least its 5 requests before asking to be replaced.
    expect(pids.filter((pid) => pid === pids[0]).length).toBeGreaterThanOrEqual(5);
    expect(cli.stderr()).toMatch(/reached max-requests; replacing it/);
  } finally {
    await stopCli(cli);
  }
});
