/**
 * rateLimit() on a real server (serve() on 127.0.0.1), under lint() on both sides:
 * what a client gets over the wire, clients told apart by the address proxyFix()
 * finds behind a trusted proxy, and a store that hangs answered within storeTimeout
 * while the server keeps serving.
 */
import { compose, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { serve } from '@tsgi/server';
import { rateLimit, type HitResult } from '@tsgi/rate-limit';

type Served = Awaited<ReturnType<typeof serve>>;

const hello: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`hello ${environ.REMOTE_ADDR}`)];
};

const served: Served[] = [];
afterAll(() => Promise.all(served.map((s) => s.close())));

async function start(app: Application, errors?: { write(text: string): void }): Promise<string> {
  const s = await serve(app, { host: '127.0.0.1', port: 0, ...(errors ? { errors } : {}) });
  served.push(s);
  return s.url;
}

test('the 4th request of 3 per minute gets 429 with Retry-After and the RateLimit fields over the wire', async () => {
  const url = await start(lint(rateLimit({ limit: 3, window: 60_000 })(lint(hello))));
  const answers = [];
  for (let i = 0; i < 4; i++) {
    const res = await fetch(url);
    answers.push({ status: res.status, ratelimit: res.headers.get('ratelimit'), retryAfter: res.headers.get('retry-after'), text: await res.text() });
  }
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
  expect(answers[0]!.text).toBe('hello 127.0.0.1');
  expect(answers[2]!.ratelimit).toMatch(/^"default";r=0;t=(59|60)$/);
  expect(answers[3]!.retryAfter).toMatch(/^(19|20)$/);
  expect(answers[3]!.text).toBe('Too many requests: the rate limit was reached; retry later.\n');
});

test('behind a trusted proxy, each client address found by proxyFix has its own quota', async () => {
  const app = compose(proxyFix({ trustedProxies: ['127.0.0.1'] }), rateLimit({ limit: 1, window: 60_000 }))(lint(hello));
  const url = await start(lint(app));
  const get = async (client: string): Promise<number> => (await fetch(url, { headers: { 'X-Forwarded-For': client } })).status;
  expect([await get('203.0.113.1'), await get('203.0.113.1'), await get('203.0.113.2')]).toEqual([200, 429, 200]);
});

test('a store that never answers: 503 within storeTimeout, one log line, and the server goes on serving', async () => {
  let log = '';
  const hanging = { hit: () => new Promise<HitResult>(() => undefined) };
  const limited = rateLimit({ store: hanging, storeTimeout: 100, onStoreError: 'closed' })(lint(hello));
  const app: Application = (environ, startResponse) => (environ.PATH_INFO === '/free' ? hello(environ, startResponse) : limited(environ, startResponse));
  const url = await start(lint(app), { write: (text) => void (log += text) });
  const statuses = await Promise.all([fetch(url), fetch(url), fetch(url)].map(async (p) => (await p).status));
  expect(statuses).toEqual([503, 503, 503]);
  expect((await fetch(`${url}/free`)).status).toBe(200);
  expect(log.split('\n').filter((line) => line.startsWith('rateLimit:'))).toEqual([
    "rateLimit: the store failed (Error: the store did not answer within 100 ms); answering 503 until it answers again (onStoreError: 'closed')",
  ]);
});
