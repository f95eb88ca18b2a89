/**
 * The guides' examples, run as a new user would run them: each app served by the real
 * gateway on 127.0.0.1 under lint() and asked over HTTP with fetch, and under
 * `testClient` (lint on) where the contract itself is the point. docs/test/code-blocks.test.ts checks that
 * the guides show these files exactly.
 */
import { get } from 'node:http';
import type { Application, Body, Environ, StartResponse } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { createEnviron, CollectingErrorStream, testClient } from '@tsgi/testing';
import { site as frameworksSite } from './guide-frameworks.js';
import { hello } from './guide-hello.js';
import { responseStats, type ResponseStats } from './guide-middleware.js';
import { app as migratedApp } from './guide-migrate.js';
import { site as stackSite } from './guide-stack.js';


const running: Served[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((served) => served.close()));
});

async function start(app: Application, errors = new CollectingErrorStream()): Promise<{ url: string; errors: CollectingErrorStream }> {
  // Under lint() like every served test app: the guides' code must keep the contract.
  const served = await serve(lint(app), { port: 0, errors });
  running.push(served);
  return { url: served.url, errors };
}

/** Waits (bounded) until `check` passes: access log lines are written on a later turn. */
async function eventually(check: () => void, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('getting started: guide-hello.ts', () => {
  test('answers over a real socket, with a Content-Length for its one-chunk body', async () => {
    const { url } = await start(hello);
    const res = await fetch(`${url}/docs?name=Ada`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await res.text();
    expect(text).toBe('Hello, Ada! You asked for /docs\n');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  });

  test('keeps the contract (lint on)', async () => {
    const res = await testClient(hello).get('/');
    expect(res.text).toBe('Hello, world! You asked for /\n');
  });

  test('reads PATH_INFO as UTF-8: /caf%C3%A9 is /café, not /cafÃ©', async () => {
    const { url } = await start(hello);
    const res = await fetch(`${url}/caf%C3%A9`);
    expect(await res.text()).toBe('Hello, world! You asked for /café\n');
  });
});

describe('getting started: guide-stack.ts', () => {
  test('the router answers under /api, compressed, and the access log has the line', async () => {
    const { url, errors } = await start(stackSite);
    const res = await fetch(`${url}/api/hello/ada`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as { hello: string }).hello).toBe('ada');
    await eventually(() => expect(errors.text).toMatch(/"GET \/api\/hello\/ada HTTP\/1\.1" 200 \d+/));
  });

  test('/admin asks for credentials and lets alice in', async () => {
    const { url } = await start(stackSite);
    const refused = await fetch(`${url}/admin`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Basic realm="Admin"');
    await refused.arrayBuffer();
    const auth = `Basic ${Buffer.from('alice:wonderland').toString('base64')}`;
    const ok = await fetch(`${url}/admin`, { headers: { Authorization: auth } });
    expect(await ok.text()).toBe('signed in as alice\n');
  });

  test('a path no mount answers is a 404', async () => {
    const { url } = await start(stackSite);
    const res = await fetch(`${url}/nowhere`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});

describe('writing a middleware: guide-middleware.ts', () => {
  function collect(): { stats: ResponseStats[]; onResponse: (s: ResponseStats) => void } {
    const stats: ResponseStats[] = [];
    return { stats, onResponse: (s) => stats.push({ ...s }) };
  }

  test('an array body stays an array, is counted, and is reported once on close', async () => {
    const { stats, onResponse } = collect();
    const app = responseStats({ onResponse })(hello);
    const { environ } = createEnviron('GET', '/x', {});
    const headers: Array<[string, string]> = [];
    const startResponse: StartResponse = (_status, list) => {
      headers.push(...list);
      return () => {};
    };
    const body = await app(environ, startResponse);
    expect(Array.isArray(body)).toBe(true);
    expect(headers.find(([name]) => name === 'Server-Timing')?.[1]).toMatch(/^app;dur=\d+\.\d$/);
    expect(stats).toEqual([]);
    await body.close?.();
    await body.close?.();
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ method: 'GET', path: '/x', status: 200, bytes: 'Hello, world! You asked for /x\n'.length });
  });

  test('under lint: a streamed body, write() and an excInfo restart all keep the contract', async () => {
    const { stats, onResponse } = collect();
    // write() before returning the body (not from inside it: lint's write.in-body).
    function streaming(_environ: Environ, startResponse: StartResponse): AsyncIterable<Uint8Array> {
      const write = startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']]);
      startResponse('200 OK', [['Content-Type', 'text/plain']], new Error('changed my mind'));
      write(Buffer.from('ab'));
      return (async function* rest() {
        yield Buffer.from('cde');
        yield Buffer.from('fghi');
      })();
    }
    const res = await testClient(responseStats({ onResponse, header: false })(streaming)).get('/s');
    expect(res.text).toBe('abcdefghi');
    expect(res.header('server-timing')).toBeUndefined();
    expect(res.closeCalls).toBe(1);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ status: 200, bytes: 9 });
  });

  test('over a socket: a client that goes away ends the inner body and closes it once', async () => {
    const { stats, onResponse } = collect();
    let innerCloses = 0;
    let finallyRan = false;
    async function* forever(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 100_000; i++) {
          yield Buffer.alloc(16_384, 120);
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        finallyRan = true;
      }
    }
    const endless: Application = (_environ: Environ, startResponse: StartResponse): Body => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      return Object.assign(forever(), { close: () => void innerCloses++ });
    };
    const { url } = await start(responseStats({ onResponse })(lint(endless)));
    // A raw request we can cut: destroy the socket once the first bytes arrive.
    await new Promise<void>((resolve, reject) => {
      const req = get(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', reject);
    });
    await eventually(() => expect(stats).toHaveLength(1));
    expect(innerCloses).toBe(1);
    expect(finallyRan).toBe(true);
    expect(stats[0]!.bytes).toBeGreaterThan(0);
  });

  test('a bad option is a TypeError naming it', () => {
    expect(() => responseStats({} as never)).toThrow(/onResponse/);
    expect(() => responseStats({ onResponse: () => {}, header: 1 as never })).toThrow(/header/);
  });
});

describe('wrapping frameworks: guide-frameworks.ts', () => {
  test('Express under /api sees the mount in req.baseUrl and reads a JSON body', async () => {
    const { url } = await start(frameworksSite);
    const user = await fetch(`${url}/api/users/7`);
    expect(await user.json()).toEqual({ id: '7', mountedAt: '/api' });
    const echo = await fetch(`${url}/api/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ a: [1, 2] }),
    });
    expect(echo.status).toBe(201);
    expect(await echo.json()).toEqual({ a: [1, 2] });
  });

  test('Koa under /koa and Hono under /hono answer through the same stack', async () => {
    const { url, errors } = await start(frameworksSite);
    expect(await (await fetch(`${url}/koa/x`)).json()).toEqual({ from: 'koa', path: '/x' });
    expect(await (await fetch(`${url}/hono/hi/ada`)).json()).toEqual({ from: 'hono', hi: 'ada' });
    await eventually(() => expect(errors.text).toMatch(/"GET \/hono\/hi\/ada HTTP\/1\.1" 200/));
  });
});

describe('moving from Express: guide-migrate.ts', () => {
  test('moved routes answer from tsgi, the rest still from Express', async () => {
    const { url } = await start(migratedApp);
    expect(await (await fetch(`${url}/users/7`)).json()).toEqual({ id: '7', from: 'tsgi' });
    expect(await (await fetch(`${url}/reports`)).text()).toBe('quarterly report\n');
    const missing = await fetch(`${url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-powered-by')).toBe('Express');
    await missing.arrayBuffer();
  });

  test('the moved POST reads its JSON body through request(); what it refuses, httpErrors() answers', async () => {
    const { url } = await start(migratedApp);
    const post = (body: string, type: string): Promise<Response> => fetch(`${url}/users`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const created = await post(JSON.stringify({ name: 'Ada' }), 'application/json');
    expect([created.status, await created.json()]).toEqual([201, { created: 'Ada', from: 'tsgi' }]);
    const wrongType = await post('name=Ada', 'application/x-www-form-urlencoded');
    expect([wrongType.status, await wrongType.text()]).toEqual([415, expect.stringContaining('json(): expected a JSON body')]);
    const malformed = await post('{"name":', 'application/json');
    expect([malformed.status, await malformed.text()]).toEqual([400, expect.stringContaining('json(): the body is not valid JSON')]);
  });
});
