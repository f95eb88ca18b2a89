/**
 * Sessions shared by two `tsgi` CLI workers through Redis (the real CLI, a new
 * connection per request so the primary deals requests to both workers): a login on
 * one worker is seen on the other, the id changes at login (fixation), a logout is
 * final on both; Redis killed mid-run gives session()'s 503 within the store timeout,
 * never a hang or a crash, and once Redis is back (empty: it keeps no data) a new
 * login works again without restarting the CLI.
 */
import { get } from 'node:http';
import { runCli, startedUrl, stopCli, type Cli } from '../../cli/test/cli-harness.js';
import { startRedis, type RedisServer } from './redis-server.js';

jest.setTimeout(120_000);

let redis: RedisServer;
let cli: Cli;
let url: string;

interface Reply {
  status: number;
  body: string;
  /** The session cookie's `name=value` from Set-Cookie, if one was sent. */
  cookie: string | undefined;
}

/** One GET on a new connection with `cookie`, answered within 5 s. */
function fetchOnce(path: string, cookie?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}${path}`, { agent: false, timeout: 5000, headers: cookie === undefined ? {} : { cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} in 5 s`)));
    req.on('error', reject);
  });
}

/** `[pid, user]` of a /me or /login answer. */
const seen = (reply: Reply): [string, string] => reply.body.split(' ').slice(0, 2) as [string, string];

/**
 * Asks /me with `cookie` on new connections until both workers answered; returns each
 * worker's user. `reconnecting`: a 503 is a worker whose client is still reconnecting,
 * asked again a little later, rather than a failure.
 */
async function acrossWorkers(cookie: string, reconnecting = false): Promise<Map<string, string>> {
  const byWorker = new Map<string, string>();
  for (let i = 0; i < (reconnecting ? 100 : 40) && byWorker.size < 2; i++) {
    const reply = await fetchOnce('/me', cookie);
    if (reconnecting && reply.status === 503) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    expect(reply.status).toBe(200);
    const [pid, user] = seen(reply);
    byWorker.set(pid, user);
  }
  return byWorker;
}

beforeAll(async () => {
  redis = await startRedis();
  cli = runCli(['serve', 'packages/redis/test/fixtures/sessions-app.ts:app', '--port', '0', '--workers', '2'], { TSGI_TEST_REDIS_URL: redis.url });
  url = await startedUrl(cli, 30_000);
  // Both workers listening with their clients connected: a request before that is a
  // 503 by design, and while only one worker listens every connection goes to it (the
  // CLI announces its URL at the first), so the wait is bounded by time, not by tries.
  const ready = new Set<string>();
  const end = Date.now() + 60_000;
  while (ready.size < 2 && Date.now() < end) {
    const reply = await fetchOnce('/me');
    if (reply.status === 200 && reply.body.endsWith(' ready')) ready.add(seen(reply)[0]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(ready.size).toBe(2);
});
afterAll(async () => {
  if (cli !== undefined) await stopCli(cli);
  await redis?.stop();
});

test('a login on one worker is seen on the other, under a new id; a logout is final on both', async () => {
  const visit = await fetchOnce('/me');
  // An empty session costs no cookie.
  expect(visit.cookie).toBeUndefined();
  const login = await fetchOnce('/login?user=ada');
  expect(login.status).toBe(200);
  expect(login.cookie).toMatch(/^sid=[\w-]{32}$/);
  const cookie = login.cookie!;

  const byWorker = await acrossWorkers(cookie);
  expect(byWorker.size).toBe(2);
  expect([...byWorker.values()]).toEqual(['ada', 'ada']);

  // Logging in again (as someone else) changes the id: the old cookie names nothing.
  const second = await fetchOnce('/login?user=grace', cookie);
  expect(second.cookie).toMatch(/^sid=/);
  expect(second.cookie).not.toBe(cookie);
  expect(seen(await fetchOnce('/me', cookie))[1]).toBe('-');
  expect(seen(await fetchOnce('/me', second.cookie))[1]).toBe('grace');

  await fetchOnce('/logout', second.cookie);
  const after = await acrossWorkers(second.cookie!);
  expect([...after.values()]).toEqual(['-', '-']);
});

test('Redis killed: 503 within the store timeout, no hang; Redis back: a new login works without a restart', async () => {
  const { cookie } = await fetchOnce('/login?user=ada');
  await redis.kill();
  const started = Date.now();
  const down = await Promise.all([fetchOnce('/me', cookie), fetchOnce('/me', cookie), fetchOnce('/login?user=bob')]);
  expect(down.map((r) => r.status)).toEqual([503, 503, 503]);
  expect(Date.now() - started).toBeLessThan(4000);

  await redis.restart();
  let back: Reply | undefined;
  for (let i = 0; i < 50; i++) {
    back = await fetchOnce('/login?user=bob');
    if (back.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(back?.status).toBe(200);
  const byWorker = await acrossWorkers(back!.cookie!, true);
  expect([...byWorker.values()]).toEqual(['bob', 'bob']);
  // Outages are logged, the workers never died.
  expect(cli.stderr()).not.toMatch(/worker .* (exited|died)/i);
});
