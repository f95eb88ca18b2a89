/**
 * The wrap examples over real sockets on 127.0.0.1: an Express 5, a Koa and a Hono app,
 * each under the same tsgi stack (access log + gzip) and served by serve() under lint(); and that
 * stack exported as a fetch handler, served by @hono/node-server.
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { flushAccessLogs } from '@tsgi/logger';
import { serve, type Served } from '@tsgi/server';
import { app as expressStack } from './wrap-express.js';
import { app as koaStack } from './wrap-koa.js';
import { app as honoStack } from './wrap-hono.js';
import { fetch as fetchHandler } from './fetch-handler.js';

const logged: string[] = [];
const errors = { write: (text: string) => void logged.push(text), writelines(): void {}, flush(): void {} };

describe.each([
  ['wrap-express', expressStack],
  ['wrap-koa', koaStack],
  ['wrap-hono', honoStack],
] as Array<[string, Application]>)('%s', (_name, stack) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(lint(stack), { port: 0, errors });
  });
  afterAll(() => served.close());

  test('routes with params and query, as JSON', async () => {
    const res = await fetch(`${served.url}/users/42?q=hi`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '42', q: 'hi' });
  });

  test('takes a JSON body and answers 201', async () => {
    const res = await fetch(`${served.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: { name: 'Ada' } });
  });

  test('two cookies and a redirect', async () => {
    const res = await fetch(`${served.url}/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/users/1');
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    expect(cookies).toEqual(['session=abc', 'theme=dark']);
  });

  test('a streamed report comes out gzipped and whole', async () => {
    const res = await fetch(`${served.url}/report`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const text = await res.text(); // fetch decompresses
    expect(text.split('\n')).toHaveLength(201);
    expect(text.startsWith('line 0: all is well\nline 1')).toBe(true);
  });

  test('the access log has a line for the request', async () => {
    await fetch(`${served.url}/users/9`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logged.join('')).toMatch(new RegExp(`"GET /users/9 HTTP/1.1" 200 \\d+`));
  });
});

test('wrap-koa: ctx.throw keeps its status through the stack', async () => {
  const served = await serve(lint(koaStack), { port: 0, errors });
  try {
    const res = await fetch(`${served.url}/teapot`);
    expect([res.status, await res.text()]).toEqual([418, 'short and stout']);
  } finally {
    await served.close();
  }
});

describe('fetch-handler: the tsgi stack as a fetch handler', () => {
  // Without a gateway's wsgi.errors, toFetch logs to console.error.
  const consoleLines: string[] = [];
  beforeAll(() => {
    jest.spyOn(console, 'error').mockImplementation((line: unknown) => void consoleLines.push(String(line)));
  });
  afterAll(() => jest.restoreAllMocks());

  test('answers a Request directly; the access log goes to console.error', async () => {
    const res = await fetchHandler(new Request('http://example.org/users/5?q=x'));
    expect(await res.json()).toEqual({ id: '5', q: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(consoleLines.join('\n')).toContain('"GET /users/5?q=x HTTP/1.1" 200');
  });

  test('served by @hono/node-server over a socket, gzip included', async () => {
    const server = createAdaptorServer({ fetch: fetchHandler });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const json = await fetch(`${base}/users/3`);
      expect(await json.json()).toEqual({ id: '3', q: null });
      const report = await fetch(`${base}/report`, { headers: { 'accept-encoding': 'gzip' } });
      expect(report.headers.get('content-encoding')).toBe('gzip');
      expect((await report.text()).split('\n')).toHaveLength(201);
      // Lines wait up to 10 ms in the logger's batch; write them now.
      flushAccessLogs();
      expect(consoleLines.join('\n')).toMatch(/"GET \/users\/3 HTTP\/1\.1" 200 [\s\S]*"GET \/report HTTP\/1\.1" 200 /);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
