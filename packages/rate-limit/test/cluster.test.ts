/**
 * The tsgi CLI with 2 workers (the real CLI as a child process, on a free port, new
 * connection per request so the primary deals them to both workers in turn):
 * clusterStore() counts in the primary, so LIMIT + 1 requests give exactly one 429
 * although both workers answered; memoryStore() counts in each worker, lets 2x the
 * limit through, and says so once per worker in the log.
 */
import { getOnce, runCli, startedUrl, stopCli, type Cli } from '../../cli/test/cli-harness.js';
import { LIMIT } from './fixtures/cluster-app.js';

jest.setTimeout(60_000);

let cli: Cli;
let url: string;

/** The worker pid in a 200's body, or the status for anything else. */
const workerOf = (answer: { status: number; body: string }): string => (answer.status === 200 ? answer.body.replace(/^ok /, '') : String(answer.status));

beforeAll(async () => {
  cli = runCli(['serve', 'packages/rate-limit/test/fixtures/cluster-app.ts:app', '--port', '0', '--workers', '2']);
  url = await startedUrl(cli, 30_000);
  // Both workers listening: the primary deals new connections to each in turn.
  const end = Date.now() + 20_000;
  const pids = new Set<string>();
  while (pids.size < 2 && Date.now() < end) pids.add(workerOf(await getOnce(`${url}/pid`)));
  expect(pids.size).toBe(2);
});
afterAll(() => stopCli(cli));

test('clusterStore(): LIMIT + 1 requests across both workers give exactly one 429, the last', async () => {
  const answers = [];
  for (let i = 0; i <= LIMIT; i++) answers.push(await getOnce(`${url}/shared`));
  expect(answers.map((a) => a.status)).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  expect(new Set(answers.slice(0, LIMIT).map(workerOf)).size).toBe(2);
  expect(cli.stderr()).not.toMatch(/clusterStore: this process is not a worker/);
});

test('memoryStore(): each worker counts alone (2x the limit pass) and says so once per worker', async () => {
  const answers = [];
  for (let i = 0; i < 2 * LIMIT + 2; i++) answers.push(await getOnce(`${url}/local`));
  const passed = answers.filter((a) => a.status === 200).length;
  expect(passed).toBe(2 * LIMIT);
  const warnings = cli.stderr().match(/memoryStore counts in each worker's memory: with 2 tsgi workers a client can get up to 2x the limit/g) ?? [];
  expect(warnings).toHaveLength(2);
});
