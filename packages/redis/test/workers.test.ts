/**
 * Two `tsgi` CLI workers (the real CLI as a child process, a new connection per
 * request so the primary deals them to both workers) share ONE rate limit through
 * Redis: LIMIT + 1 requests give exactly one 429, the last, though both workers
 * answered. A second CLI against the same Redis (another machine, in effect) sees
 * the quota already spent.
 */
import { getOnce, runCli, startedUrl, stopCli, type Cli } from '../../cli/test/cli-harness.js';
import { LIMIT } from './fixtures/limit.js';
import { startRedis, type RedisServer } from './redis-server.js';

jest.setTimeout(90_000);

let redis: RedisServer;
const clis: Cli[] = [];

/** `<pid>` of a 200 from /pid or /limited, or the status for anything else. */
const workerOf = (answer: { status: number; body: string }): string => (answer.status === 200 ? answer.body.split(' ')[1]! : String(answer.status));

/** Starts a CLI with 2 workers on a free port; resolves once both answer with their Redis client ready. */
async function startCli(): Promise<string> {
  const cli = runCli(['serve', 'packages/redis/test/fixtures/workers-app.ts:app', '--port', '0', '--workers', '2'], { TSGI_TEST_REDIS_URL: redis.url });
  clis.push(cli);
  const url = await startedUrl(cli, 30_000);
  const ready = new Set<string>();
  const end = Date.now() + 20_000;
  while (ready.size < 2 && Date.now() < end) {
    const answer = await getOnce(`${url}/pid`);
    if (answer.body.endsWith(' ready')) ready.add(workerOf(answer));
  }
  expect(ready.size).toBe(2);
  return url;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(clis.map(stopCli));
  await redis.stop();
});

test('LIMIT + 1 requests across both workers give exactly one 429; another CLI on the same Redis shares the quota', async () => {
  const url = await startCli();
  const answers = [];
  for (let i = 0; i <= LIMIT; i++) answers.push(await getOnce(`${url}/limited`));
  expect(answers.map((a) => a.status)).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  expect(new Set(answers.slice(0, LIMIT).map(workerOf)).size).toBe(2);

  const second = await startCli();
  expect((await getOnce(`${second}/limited`)).status).toBe(429);
  expect(clis.map((cli) => cli.stderr()).join('')).not.toMatch(/store failed|enableOfflineQueue/);
});
