/**
 * Where each host mounted the middleware and what state it set reach the tsgi side,
 * and the environ reaches the host's code below: SCRIPT_NAME is Express's and
 * Connect's mount point, koa-mount's path and Fastify's scope prefix; `environ['tsgi.host']` holds the
 * host's objects (`req.user`, `res.locals`, Koa's `ctx.state`, Hono's `c.get()`);
 * `environOf()` answers below. A Fastify plugin covers its scope only. An inner app
 * called twice is an error the host handles, not a second run of its stack.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import compression from 'compression';
import express from 'express';
import connect from 'connect';
import Koa, { type Context } from 'koa';
import mount from 'koa-mount';
import Fastify from 'fastify';
import { Hono, type Context as HonoContext } from 'hono';
import type { Environ, Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { accessLog } from '@tsgi/logger';
import { environOf, hostOf, HOST_KEY, toConnect, toFastify, toKoa } from '@tsgi/adapters';
import { toHono } from '@tsgi/adapters/hono';

const quiet = { write: (): void => undefined };

/** Records each environ it sees, then passes on. */
function recorder(): { middleware: Middleware; seen: Environ[] } {
  const seen: Environ[] = [];
  return {
    seen,
    middleware: (app) =>
      lint(function recordingApp(environ, startResponse) {
        seen.push(environ);
        return app(environ, startResponse);
      }),
  };
}

async function fetchText(listener: (req: IncomingMessage, res: ServerResponse) => unknown, path: string): Promise<{ status: number; text: string }> {
  const server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: response.status, text: await response.text() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

test('Express: the mount point is SCRIPT_NAME; req.user and res.locals are reachable through tsgi.host', async () => {
  const { middleware, seen } = recorder();
  const app = express();
  app.use((req, res, next) => {
    (req as { user?: string }).user = 'ada';
    res.locals.theme = 'dark';
    next();
  });
  app.use('/api', toConnect(middleware));
  app.get('/api/items', (req, res) => res.send(`${environOf(req)?.SCRIPT_NAME}|${environOf(req)?.PATH_INFO}`));
  const answer = await fetchText(app, '/api/items?x=1');
  expect(answer).toEqual({ status: 200, text: '/api|/items' });
  const environ = seen[0]!;
  expect([environ.SCRIPT_NAME, environ.PATH_INFO, environ.QUERY_STRING, environ.REQUEST_URI]).toEqual(['/api', '/items', 'x=1', '/api/items?x=1']);
  const host = hostOf<{ req: IncomingMessage & { user?: string }; res: ServerResponse & { locals: Record<string, unknown> } }>(environ)!;
  expect(host.req.user).toBe('ada');
  expect(host.res.locals.theme).toBe('dark');
  expect(environ[HOST_KEY]).toBe(host);
});

test("Express: the host's own middleware composes on either side (compression below, morgan-style patching above)", async () => {
  const log: string[] = [];
  const app = express();
  // Above: patches res.end on the instance, as on-finished/morgan-style loggers do.
  app.use((_req, res, next) => {
    const end = res.end;
    res.end = function patchedEnd(this: ServerResponse, ...args: unknown[]) {
      log.push(`host saw ${res.statusCode}`);
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.end;
    next();
  });
  app.use(toConnect(accessLog({ format: 'common', flushInterval: 0, stream: { write: (line: string) => log.push(line.trim()) } })));
  app.use(compression({ threshold: 0 }));
  app.get('/big', (_req, res) => res.type('text/plain').send('abc'.repeat(2000)));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/big`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toBe('abc'.repeat(2000));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log[0]).toBe('host saw 200');
    // The tsgi log measured the compressed body compression made below it.
    const size = Number(/ 200 (\d+)$/.exec(log[1]!)?.[1]);
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(6000);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('Express: a client that leaves before the route answers ends the inner app with ClientDisconnected; the late answer goes nowhere', async () => {
  const seen: string[] = [];
  const errors: string[] = [];
  let answered = false;
  const watch: Middleware = (app) =>
    async function watchingApp(environ, startResponse) {
      try {
        return await app(environ, startResponse);
      } catch (error) {
        seen.push((error as Error).name);
        throw error;
      }
    };
  const app = express();
  app.use(toConnect(watch, { errors: { write: (text: string) => errors.push(text) } }));
  app.get('/slow', (_req, res) => {
    setTimeout(() => {
      answered = true;
      res.end('too late');
    }, 100);
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const req = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`);
    req.on('error', () => undefined);
    req.end();
    await new Promise((resolve) => setTimeout(resolve, 30));
    req.destroy();
    for (let i = 0; i < 100 && !answered; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(true);
    expect(seen).toEqual(['ClientDisconnected']);
    expect(errors).toEqual([]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('Connect: the mount point is SCRIPT_NAME', async () => {
  const { middleware, seen } = recorder();
  const app = connect();
  app.use('/v1', toConnect(middleware));
  app.use((_req: IncomingMessage, res: ServerResponse) => res.end('ok'));
  expect(await fetchText(app, '/v1/a/b')).toEqual({ status: 200, text: 'ok' });
  expect([seen[0]!.SCRIPT_NAME, seen[0]!.PATH_INFO]).toEqual(['/v1', '/a/b']);
});

test('Koa: tsgi.host is ctx (ctx.state reachable), environOf(ctx) answers below', async () => {
  const { middleware, seen } = recorder();
  const app = new Koa();
  app.use((ctx, next) => {
    ctx.state.tenant = 'acme';
    return next();
  });
  app.use(toKoa(middleware));
  app.use((ctx) => {
    ctx.body = `path=${environOf(ctx)?.PATH_INFO}`;
  });
  expect(await fetchText(app.callback(), '/k')).toEqual({ status: 200, text: 'path=/k' });
  expect(hostOf<Context>(seen[0]!)!.state.tenant).toBe('acme');
});

test("Koa: under koa-mount the mount path is SCRIPT_NAME, and the routes below see the whole path again", async () => {
  const { middleware, seen } = recorder();
  const app = new Koa();
  app.use(mount('/v1', toKoa(middleware)));
  app.use((ctx) => {
    ctx.body = `${ctx.path} ${environOf(ctx)?.SCRIPT_NAME}|${environOf(ctx)?.PATH_INFO}`;
  });
  expect(await fetchText(app.callback(), '/v1/a/b?x=1')).toEqual({ status: 200, text: '/v1/a/b /v1|/a/b' });
  expect(await fetchText(app.callback(), '/other')).toEqual({ status: 200, text: '/other undefined|undefined' });
  expect(seen.map((environ) => [environ.SCRIPT_NAME, environ.PATH_INFO, environ.QUERY_STRING, environ.REQUEST_URI])).toEqual([['/v1', '/a/b', 'x=1', '/v1/a/b?x=1']]);
});

test('Fastify: the plugin covers its scope only, with the scope prefix as SCRIPT_NAME', async () => {
  const { middleware, seen } = recorder();
  const app = Fastify();
  await app.register(
    async (api) => {
      await api.register(toFastify(middleware));
      api.get('/inside', async (request) => `${environOf(request.raw)?.SCRIPT_NAME}|${environOf(request.raw)?.PATH_INFO}`);
    },
    { prefix: '/api' },
  );
  app.get('/outside', async () => 'outside');
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    expect(await (await fetch(`${base}/api/inside`)).text()).toBe('/api|/inside');
    expect(await (await fetch(`${base}/outside`)).text()).toBe('outside');
    expect(seen.map((environ) => environ.PATH_INFO)).toEqual(['/inside']);
    expect(hostOf<{ request: { url: string } }>(seen[0]!)!.request.url).toBe('/api/inside');
  } finally {
    await app.close();
  }
});

test('Hono: tsgi.host is c (c.get() reachable), and the scriptName option mounts it', async () => {
  const { middleware, seen } = recorder();
  const app = new Hono<{ Variables: { tenant: string } }>();
  app.use('/api/*', async (c, next) => {
    c.set('tenant', 'acme');
    await next();
  });
  app.use('/api/*', toHono(middleware, { scriptName: '/api' }));
  app.get('/api/x', (c) => c.text(`${environOf(c)?.SCRIPT_NAME}|${environOf(c)?.PATH_INFO}`));
  const response = await app.request('http://localhost/api/x');
  expect(await response.text()).toBe('/api|/x');
  expect(hostOf<HonoContext>(seen[0]!)!.get('tenant')).toBe('acme');
});

describe('an inner app called twice is an error for the host, not a second run of its stack', () => {
  const twice: Middleware = (app) =>
    async function callingTwice(environ, startResponse): Promise<Iterable<Uint8Array>> {
      await app(environ, startResponse);
      return app(environ, startResponse) as Promise<Iterable<Uint8Array>>;
    };

  test('Koa', async () => {
    const errors: string[] = [];
    let runs = 0;
    const app = new Koa();
    app.silent = true;
    app.on('error', (error: Error) => errors.push(error.message));
    app.use(toKoa(twice, { errors: quiet }));
    app.use((ctx) => {
      runs++;
      ctx.body = 'once';
    });
    const answer = await fetchText(app.callback(), '/');
    expect(answer.status).toBe(500);
    expect(runs).toBe(1);
    expect(errors.join()).toMatch(/called twice/);
  });

  test('Hono', async () => {
    const errors: string[] = [];
    let runs = 0;
    const app = new Hono();
    app.onError((error, c) => {
      errors.push(error.message);
      return c.text('handled', 500);
    });
    app.use(toHono(twice));
    app.get('/', (c) => {
      runs++;
      return c.text('once');
    });
    const response = await app.request('http://localhost/');
    expect(response.status).toBe(500);
    expect(runs).toBe(1);
    expect(errors.join()).toMatch(/called twice/);
  });
});
