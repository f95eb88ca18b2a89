/**
 * A store that throws, rejects, hangs or answers nonsense: the request is answered
 * within storeTimeout either way (fail open: the app, uncounted; fail closed: 503),
 * nothing crashes, and wsgi.errors gets one line when the outage starts and one when
 * it ends, not one per request.
 */
import { HttpError, type Application } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { rateLimit } from './rate-limit.js';
import type { HitResult, RateLimitStore } from './store.js';

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode('hello')];
};

const OK: HitResult = { allowed: true, remaining: 9, resetAt: 0, retryAt: 0 };

/** A store whose next answers are scripted: 'ok', 'throw', 'reject', 'hang' or 'garbage'. */
function scriptedStore(script: string[]): RateLimitStore & { calls: number } {
  const store = {
    calls: 0,
    hit(): HitResult | Promise<HitResult> {
      const step = script[store.calls++] ?? 'ok';
      if (step === 'throw') throw new Error('connection refused');
      if (step === 'reject') return Promise.reject(new Error('READONLY You can\'t write against a read only replica'));
      if (step === 'hang') return new Promise<HitResult>(() => undefined);
      if (step === 'garbage') return Promise.resolve('OK' as unknown as HitResult);
      return Promise.resolve({ ...OK, resetAt: Date.now(), retryAt: Date.now() });
    },
  };
  return store;
}

const lines = (errors: string): string[] => errors.split('\n').filter(Boolean);

test('fail open: a throwing, rejecting, hanging or garbled store lets requests through uncounted; one line per outage start and end', async () => {
  const store = scriptedStore(['throw', 'reject', 'hang', 'garbage', 'ok', 'ok', 'throw', 'ok']);
  const client = testClient(rateLimit({ store, storeTimeout: 50 })(hello));
  const statuses: number[] = [];
  const limited: boolean[] = [];
  for (let i = 0; i < 8; i++) {
    const res = await client.get('/');
    statuses.push(res.status);
    limited.push(res.header('ratelimit') !== undefined);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
  expect(limited).toEqual([false, false, false, false, true, true, false, true]);
  expect(lines(client.errors)).toEqual([
    "rateLimit: the store failed (Error: connection refused); letting requests through uncounted until it answers again (onStoreError: 'open')",
    'rateLimit: the store answers again; 4 request(s) were let through uncounted while it failed',
    "rateLimit: the store failed (Error: connection refused); letting requests through uncounted until it answers again (onStoreError: 'open')",
    'rateLimit: the store answers again; 1 request(s) were let through uncounted while it failed',
  ]);
});

test('fail closed: 503 while the store fails, one log line for the whole outage', async () => {
  const store = scriptedStore(['hang', 'reject', 'throw']);
  const client = testClient(rateLimit({ store, storeTimeout: 50, onStoreError: 'closed' })(hello));
  const res = await client.get('/');
  expect(res.status).toBe(503);
  expect(res.text).toBe('Service unavailable: the rate limit store does not answer.\n');
  expect((await client.get('/')).status).toBe(503);
  expect((await client.get('/')).status).toBe(503);
  expect(lines(client.errors)).toEqual([
    "rateLimit: the store failed (Error: the store did not answer within 50 ms); answering 503 until it answers again (onStoreError: 'closed')",
  ]);
  expect((await client.get('/')).status).toBe(200);
});

test('fail closed with throwHttpErrors: the 503 is thrown as an HttpError with the store error as cause', async () => {
  const client = testClient(rateLimit({ store: scriptedStore(['throw']), onStoreError: 'closed', throwHttpErrors: true })(hello));
  const error = (await client.get('/').catch((e: unknown) => e)) as HttpError;
  expect(error).toBeInstanceOf(HttpError);
  expect(error.status).toBe(503);
  expect((error.cause as Error).message).toBe('connection refused');
});

test('a store that never answers: the request is answered once storeTimeout has passed', async () => {
  const client = testClient(rateLimit({ store: scriptedStore(['hang']), storeTimeout: 200 })(hello));
  const started = Date.now();
  expect((await client.get('/')).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);
});

test("the store's warning is logged once, at the first request", async () => {
  const store: RateLimitStore = { hit: () => ({ ...OK, resetAt: Date.now(), retryAt: Date.now() }), warning: () => 'counts per worker' };
  const client = testClient(rateLimit({ name: 'api', store })(hello));
  await client.get('/');
  await client.get('/');
  expect(lines(client.errors)).toEqual(['rateLimit (policy "api"): counts per worker']);
});
