/**
 * rateLimit() in-process, every app under lint() (testClient's default), the clock
 * held still with a spy on Date.now so every header value is exact.
 */
import { HttpError, type Application, type Body } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import type { RateLimitInfo } from './headers.js';
import { DEFAULTS, type RateLimitOptions } from './options.js';
import { RATE_LIMIT_KEY, rateLimit } from './rate-limit.js';

const T0 = 1_700_000_000_000;
let now = T0;
beforeEach(() => {
  now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

const TEXT: Array<[string, string]> = [['Content-Type', 'text/plain']];
let calls = 0;
const hello: Application = (environ, startResponse) => {
  calls++;
  startResponse('200 OK', TEXT);
  return [new TextEncoder().encode(`hello ${environ.REMOTE_USER ?? ''}`)];
};
beforeEach(() => (calls = 0));

/** `n` GETs of `path` in a row; the statuses. */
async function statuses(app: Application, n: number, init: Parameters<ReturnType<typeof testClient>['get']>[1] = {}, path = '/'): Promise<number[]> {
  const client = testClient(app);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await client.get(path, init)).status);
  return out;
}

describe('within the quota', () => {
  test('the app answers, with RateLimit-Policy and RateLimit (draft 8 form)', async () => {
    const res = await testClient(rateLimit({ limit: 3, window: 60_000 })(hello)).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello ');
    expect(res.headerValues('ratelimit-policy')).toEqual(['"default";q=3;w=60']);
    // GCRA: one unit of three spent; it comes back in 20 s.
    expect(res.headerValues('ratelimit')).toEqual(['"default";r=2;t=20']);
    expect(res.header('retry-after')).toBeUndefined();
  });

  test("headers: 'legacy' sends RateLimit-Limit, -Remaining and -Reset instead", async () => {
    const res = await testClient(rateLimit({ limit: 3, window: 60_000, headers: 'legacy' })(hello)).get('/');
    expect([res.header('ratelimit-limit'), res.header('ratelimit-remaining'), res.header('ratelimit-reset')]).toEqual(['3', '2', '20']);
    expect(res.header('ratelimit')).toBeUndefined();
    expect(res.header('ratelimit-policy')).toBeUndefined();
  });

  test('headers: false adds nothing and hands the array body up as the same object', async () => {
    const body: Body = [new TextEncoder().encode('same')];
    let returned: unknown;
    const app = rateLimit({ headers: false })((_e, start) => {
      start('200 OK', TEXT);
      return body;
    });
    const res = await testClient((environ, start) => (returned = app(environ, start))).get('/');
    expect(res.headers.map(([name]) => name.toLowerCase())).toEqual(['content-type']);
    expect(returned).toBe(body);
  });

  test("the app's own header array is not changed (it may be a constant)", async () => {
    const app = rateLimit()(hello);
    await testClient(app).get('/');
    await testClient(app).get('/');
    expect(TEXT).toEqual([['Content-Type', 'text/plain']]);
  });

  test('a lazy app that starts its response from its first iteration gets the fields too', async () => {
    const lazy: Application = (_environ, startResponse) =>
      (function* () {
        startResponse('201 Created', [['Content-Type', 'text/plain']]);
        yield new TextEncoder().encode('made');
      })();
    const res = await testClient(rateLimit({ limit: 5 })(lazy)).get('/');
    expect(res.status).toBe(201);
    expect(res.header('ratelimit')).toBe('"default";r=4;t=12');
  });

  test('each response says its own numbers: a value made for the last response is reused only when they are the same', async () => {
    const client = testClient(rateLimit({ limit: 3, window: 60_000 })(hello));
    const field = async (address: string): Promise<string | undefined> => (await client.get('/', { environ: { REMOTE_ADDR: address } })).header('ratelimit');
    const seen = [await field('192.0.2.1'), await field('192.0.2.2')];
    now += 5000;
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.3', '192.0.2.1', '192.0.2.4']) seen.push(await field(address));
    expect(seen).toEqual([
      '"default";r=2;t=20',
      '"default";r=2;t=20',
      '"default";r=1;t=35',
      '"default";r=1;t=35',
      '"default";r=2;t=20',
      '"default";r=1;t=40', // the same r as two before, another t
      '"default";r=0;t=55',
      '"default";r=2;t=20',
    ]);
  });

  test("the app sees what was counted in environ['tsgi.rate_limit']", async () => {
    let seen: RateLimitInfo | undefined;
    const app = rateLimit({ limit: 10, window: 1000 })((environ, start) => {
      seen = environ[RATE_LIMIT_KEY] as RateLimitInfo;
      return hello(environ, start);
    });
    await testClient(app).get('/', { environ: { REMOTE_ADDR: '198.51.100.7' } });
    expect(seen).toEqual({ name: 'default', limit: 10, window: 1000, key: '198.51.100.7', cost: 1, now: T0, allowed: true, remaining: 9, resetAt: T0 + 100, retryAt: T0 });
  });
});

describe('over the quota', () => {
  test('the 4th request of 3 allowed gets a 429 with Retry-After, built without calling the app', async () => {
    const client = testClient(rateLimit({ limit: 3, window: 60_000 })(hello));
    for (let i = 0; i < 3; i++) expect((await client.get('/')).status).toBe(200);
    const res = await client.get('/');
    expect(res.status).toBe(429);
    expect(res.statusLine).toBe('429 Too Many Requests');
    expect(res.header('retry-after')).toBe('20');
    expect(res.header('ratelimit')).toBe('"default";r=0;t=20');
    expect(res.header('ratelimit-policy')).toBe('"default";q=3;w=60');
    expect(res.text).toBe('Too many requests: the rate limit was reached; retry later.\n');
    expect(calls).toBe(3);
  });

  test('allowed again once Retry-After has passed', async () => {
    const client = testClient(rateLimit({ limit: 2, window: 10_000 })(hello));
    await client.get('/');
    await client.get('/');
    const refused = await client.get('/');
    expect(refused.header('retry-after')).toBe('5');
    now += 4999;
    expect((await client.get('/')).status).toBe(429);
    now += 1;
    expect((await client.get('/')).status).toBe(200);
  });

  test("algorithm: 'sliding-window' counts per fixed window, the previous one weighted", async () => {
    // T0 is 20 s into a minute: 3 pass, then the window must turn and the weight fall.
    const app = rateLimit({ limit: 3, window: 60_000, algorithm: 'sliding-window' })(hello);
    expect(await statuses(app, 4)).toEqual([200, 200, 200, 429]);
    now += 40_000; // the next window begins: the 3 count fully
    expect(await statuses(app, 1)).toEqual([429]);
    now += 20_000; // a third of the way in: 3 * 2/3 = 2 counted, one passes
    expect(await statuses(app, 2)).toEqual([200, 429]);
  });

  test('throwHttpErrors: the 429 is thrown as an HttpError carrying Retry-After and the fields', async () => {
    const client = testClient(rateLimit({ limit: 1, window: 1000, throwHttpErrors: true })(hello));
    await client.get('/');
    const error = (await client.get('/').catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(429);
    expect(error.headers).toEqual([
      ['Retry-After', '1'],
      ['RateLimit-Policy', '"default";q=1;w=1'],
      ['RateLimit', '"default";r=0;t=1'],
    ]);
  });

  test('handler answers the refusal; its 429 gets Retry-After and the fields it did not set', async () => {
    const handler: Application = (environ, startResponse) => {
      const info = environ[RATE_LIMIT_KEY] as RateLimitInfo;
      startResponse('429 Too Many Requests', [['Content-Type', 'application/json']]);
      return [new TextEncoder().encode(JSON.stringify({ retryInMs: info.retryAt - info.now }))];
    };
    const client = testClient(rateLimit({ limit: 1, window: 30_000, handler })(hello));
    await client.get('/');
    const res = await client.get('/');
    expect(res.json()).toEqual({ retryInMs: 30_000 });
    expect(res.header('retry-after')).toBe('30');
    expect(res.header('ratelimit')).toBe('"default";r=0;t=30');
  });

  test('a request costing more than the limit is refused without Retry-After (no wait helps)', async () => {
    const res = await testClient(rateLimit({ limit: 3, cost: 4 })(hello)).get('/');
    expect(res.status).toBe(429);
    expect(res.header('retry-after')).toBeUndefined();
    expect(res.header('ratelimit')).toBe('"default";r=3;t=0');
  });
});

describe('who is counted', () => {
  test('the client address by default: another address has its own quota', async () => {
    const app = rateLimit({ limit: 1 })(hello);
    expect(await statuses(app, 2, { environ: { REMOTE_ADDR: '192.0.2.1' } })).toEqual([200, 429]);
    expect(await statuses(app, 1, { environ: { REMOTE_ADDR: '192.0.2.2' } })).toEqual([200]);
  });

  test('IPv6 clients by their /56: another address in it shares the quota, the next /56 does not', async () => {
    const app = rateLimit({ limit: 1 })(hello);
    expect(await statuses(app, 1, { environ: { REMOTE_ADDR: '2001:db8:0:1200::1' } })).toEqual([200]);
    expect(await statuses(app, 1, { environ: { REMOTE_ADDR: '2001:db8:0:12ff:ffff::9' } })).toEqual([429]);
    expect(await statuses(app, 1, { environ: { REMOTE_ADDR: '2001:db8:0:1300::1' } })).toEqual([200]);
  });

  test('key: REMOTE_USER counts each user apart', async () => {
    const app = rateLimit({ limit: 1, key: (environ) => environ.REMOTE_USER ?? '' })(hello);
    expect(await statuses(app, 2, { environ: { REMOTE_USER: 'alice' } })).toEqual([200, 429]);
    expect(await statuses(app, 1, { environ: { REMOTE_USER: 'bob' } })).toEqual([200]);
  });

  test('key: address and route count each endpoint apart', async () => {
    const app = rateLimit({ limit: 1, key: (environ) => `${environ.REMOTE_ADDR} ${environ.PATH_INFO}` })(hello);
    expect(await statuses(app, 2, {}, '/login')).toEqual([200, 429]);
    expect(await statuses(app, 1, {}, '/search')).toEqual([200]);
  });

  test('skip: a skipped request is neither counted nor given the fields', async () => {
    const app = rateLimit({ limit: 1, skip: (environ) => environ.PATH_INFO === '/health' })(hello);
    const client = testClient(app);
    for (let i = 0; i < 3; i++) {
      const res = await client.get('/health');
      expect([res.status, res.header('ratelimit')]).toEqual([200, undefined]);
    }
    expect((await client.get('/')).status).toBe(200);
  });

  test('cost: a function of the request; a bad answer is a TypeError naming it', async () => {
    const app = rateLimit({ limit: 10, cost: (environ) => (environ.REQUEST_METHOD === 'POST' ? 4 : 1) })(hello);
    const client = testClient(app);
    expect((await client.post('/')).header('ratelimit')).toBe('"default";r=6;t=24');
    expect((await client.get('/')).header('ratelimit')).toBe('"default";r=5;t=30');
    const bad = rateLimit({ cost: () => 1.5 })(hello);
    await expect(testClient(bad).get('/')).rejects.toThrow('rateLimit: cost(environ) must return a non-negative integer, got 1.5');
  });
});

describe('options are checked at factory time', () => {
  test.each<[string, RateLimitOptions, string]>([
    ['limit 0', { limit: 0 }, 'rateLimit: limit must be a positive integer (quota units per window), got 0'],
    ['window 1.5', { window: 1.5 }, 'rateLimit: window must be a positive integer (milliseconds), got 1.5'],
    ['limit * window too large', { limit: 1e9, window: 86_400_000 }, 'rateLimit: limit * window must be at most 2^46'],
    ['algorithm', { algorithm: 'leaky' as 'gcra' }, `rateLimit: algorithm must be 'gcra' or 'sliding-window', got "leaky"`],
    ['key', { key: 'REMOTE_ADDR' as unknown as () => string }, 'rateLimit: key must be a function (environ) => string, got "REMOTE_ADDR"'],
    ['cost -1', { cost: -1 }, 'rateLimit: cost must be a non-negative integer or a function (environ) => number, got -1'],
    ['name with a newline', { name: 'a\nb' }, 'rateLimit: name must be a non-empty string of printable ASCII, got "a\\nb"'],
    ['headers', { headers: 'draft-7' as 'draft-8' }, `rateLimit: headers must be 'draft-8', 'legacy' or false, got "draft-7"`],
    ['throwHttpErrors', { throwHttpErrors: 'yes' as unknown as boolean }, 'rateLimit: throwHttpErrors must be true or false, got "yes"'],
    ['onStoreError', { onStoreError: 'fail' as 'open' }, `rateLimit: onStoreError must be 'open' or 'closed', got "fail"`],
    ['storeTimeout', { storeTimeout: 0 }, 'rateLimit: storeTimeout must be a positive integer of milliseconds, got 0'],
    ['store', { store: {} as never }, 'rateLimit: store must be a store with a hit() method, such as memoryStore(), got [object Object]'],
    ['skip', { skip: true as never }, 'rateLimit: skip must be a function (environ) => boolean, got true'],
    ['handler and throwHttpErrors', { handler: hello, throwHttpErrors: true }, 'rateLimit: give either handler or throwHttpErrors, not both'],
  ])('%s', (_name, options, message) => {
    expect(() => rateLimit(options)).toThrow(TypeError);
    expect(() => rateLimit(options)).toThrow(message);
  });

  test('undefined means the default; the defaults are 100 per minute, GCRA, draft-8 fields, fail open after 1 s', () => {
    expect(() => rateLimit({ limit: undefined, window: undefined })).not.toThrow();
    expect(DEFAULTS).toMatchObject({ limit: 100, window: 60_000, algorithm: 'gcra', headers: 'draft-8', onStoreError: 'open', storeTimeout: 1000 });
  });

  test('the app must be a function', () => {
    expect(() => rateLimit()(undefined as unknown as Application)).toThrow('rateLimit: the application to limit must be a function');
  });

  test('no timer, no store call and no log before the first request', () => {
    const timers = jest.spyOn(globalThis, 'setTimeout');
    const hit = jest.fn();
    const warning = jest.fn(() => 'x');
    rateLimit({ store: { hit, warning } })(hello);
    expect([timers.mock.calls.length, hit.mock.calls.length, warning.mock.calls.length]).toEqual([0, 0, 0]);
  });
});

test('two limiters stacked add up to one RateLimit list of both policies', async () => {
  const app = rateLimit({ name: 'burst', limit: 10, window: 1000 })(rateLimit({ name: 'daily', limit: 1000, window: 86_400_000 })(hello));
  const res = await testClient(app).get('/');
  expect(res.headerValues('ratelimit-policy')).toEqual(['"daily";q=1000;w=86400', '"burst";q=10;w=1']);
  expect(res.headerValues('ratelimit')).toEqual(['"daily";r=999;t=87', '"burst";r=9;t=1']);
});
