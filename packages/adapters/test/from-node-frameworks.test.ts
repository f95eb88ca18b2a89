/**
 * Real Express 5, Connect and Koa apps wrapped by fromNodeListener, served by serve()
 * and driven through supertest on toNodeListener(fromNodeListener(app)): routing,
 * params, JSON in and out, streaming, two Set-Cookie, redirects and errors must come
 * out as the same app answers on node:http directly.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express from 'express';
import connect from 'connect';
import Koa from 'koa';
import Router from '@koa/router';
import request from 'supertest';
import type { Application } from '@tsgi/core';
import { urlMap } from '@tsgi/router';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { toNodeListener } from '@tsgi/server';
import { fromNodeListener } from '../src/from-node-listener.js';

const quiet = { write(): void {}, writelines(): void {}, flush(): void {} };

function expressApp(): express.Express {
  const app = express();
  app.use(express.json());
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id, q: req.query.q ?? null, url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl });
  });
  app.post('/echo', (req, res) => {
    res.status(201).json({ got: req.body as unknown });
  });
  app.get('/cookies', (_req, res) => {
    res.cookie('a', '1').cookie('b', '2', { httpOnly: true }).send('two cookies');
  });
  app.get('/redirect', (_req, res) => res.redirect(302, '/users/7'));
  app.get('/stream', (_req, res) => {
    res.type('text/plain');
    let n = 0;
    const timer = setInterval(() => {
      res.write(`part ${n}\n`);
      if (++n === 3) {
        clearInterval(timer);
        res.end('done\n');
      }
    }, 5);
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.get('/info', (req, res) => {
    res.json({ ip: req.ip, protocol: req.protocol, secure: req.secure, host: req.hostname, encrypted: Boolean((req.socket as { encrypted?: boolean }).encrypted) });
  });
  return app;
}

function connectApp(): connect.Server {
  const app = connect();
  app.use('/mounted', (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ url: req.url, originalUrl: (req as { originalUrl?: string }).originalUrl }));
  });
  app.use('/cookies', (_req, res) => {
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.end('ok');
  });
  app.use('/redirect', (_req, res) => {
    res.writeHead(301, { Location: '/mounted/x' });
    res.end();
  });
  app.use('/boom', () => {
    throw new Error('boom');
  });
  return app;
}

async function* slowParts(): AsyncGenerator<string> {
  for (const part of ['part 0\n', 'part 1\n', 'part 2\n', 'done\n']) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield part;
  }
}

function koaApp(): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/users/:id', (ctx) => {
    ctx.body = { id: ctx.params.id, q: ctx.query.q ?? null };
  });
  router.post('/echo', async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    ctx.status = 201;
    ctx.body = { got: JSON.parse(Buffer.concat(chunks).toString()) as unknown };
  });
  router.get('/cookies', (ctx) => {
    ctx.cookies.set('a', '1');
    ctx.cookies.set('b', '2');
    ctx.body = 'two cookies';
  });
  router.get('/redirect', (ctx) => ctx.redirect('/users/7'));
  router.get('/stream', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = Readable.from(slowParts());
  });
  router.get('/boom', () => {
    throw new Error('boom');
  });
  router.get('/teapot', (ctx) => ctx.throw(418, 'short and stout'));
  app.use(router.routes());
  return app;
}

/** Headers only node:http or the gateway adds, which may differ between the two. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

interface Answer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

async function ask(base: string, method: string, path: string, body?: string): Promise<Answer> {
  const response = await fetch(base + path, {
    method,
    redirect: 'manual',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
  });
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    if (!TRANSPORT.has(name) && name !== 'set-cookie') headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie]);
  return { status: response.status, headers, body: await response.text() };
}

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const REQUESTS: Array<{ method: string; path: string; body?: string }> = [
  { method: 'GET', path: '/users/42?q=x%20y' },
  { method: 'POST', path: '/echo', body: '{"list":[1,2,"three"]}' },
  { method: 'GET', path: '/cookies' },
  { method: 'GET', path: '/redirect' },
  { method: 'GET', path: '/stream' },
  { method: 'GET', path: '/boom' },
  { method: 'GET', path: '/nowhere' },
  { method: 'HEAD', path: '/users/1' },
];

describe.each([
  ['Express 5', () => expressApp() as unknown as RequestListener],
  ['Connect', () => connectApp() as unknown as RequestListener],
  ['Koa', () => koaApp().callback() as RequestListener],
])('%s wrapped by fromNodeListener', (_name, make) => {
  let direct: { server: Server; url: string };
  let wrapped: Served;

  beforeAll(async () => {
    direct = await listen(make());
    wrapped = await serve(lint(fromNodeListener(make())), { port: 0, errors: quiet });
  });
  afterAll(async () => {
    direct.server.closeAllConnections();
    await new Promise((resolve) => direct.server.close(resolve));
    await wrapped.close();
  });

  test.each(REQUESTS)('$method $path answers as on node:http', async ({ method, path, body }) => {
    const [expected, actual] = await Promise.all([
      ask(direct.url, method, path, body),
      ask(wrapped.url, method, path, body),
    ]);
    // Express's error page carries a stack with file paths: compare its status only.
    if (path === '/boom' && expected.body.includes('Error: boom')) {
      expect(actual.status).toBe(500);
      return;
    }
    // A listener that has ended by the time its headers are read gives an array
    // body, which the gateway frames with a Content-Length where node:http would
    // have chunked an empty or finished body: the same bytes, another framing.
    if (!expected.headers.some(([name]) => name === 'content-length')) {
      const framed = actual.headers.findIndex(([name]) => name === 'content-length');
      if (framed !== -1 && method !== 'HEAD') {
        expect(actual.headers[framed]![1]).toBe(String(Buffer.byteLength(actual.body)));
        actual.headers.splice(framed, 1);
      }
    }
    expect(actual).toEqual(expected);
  });
});

describe('Express 5 through the wrap', () => {
  const app = fromNodeListener(expressApp());
  const agent = request(toNodeListener(lint(app), { errors: quiet }));

  test('routing, params and query (supertest on toNodeListener)', async () => {
    const res = await agent.get('/users/42?q=hi').expect(200).expect('content-type', /json/);
    expect(res.body).toEqual({ id: '42', q: 'hi', url: '/users/42?q=hi', baseUrl: '', originalUrl: '/users/42?q=hi' });
  });

  test('JSON bodies in and out', async () => {
    const res = await agent.post('/echo').send({ a: [1, { b: 'ü' }] }).expect(201);
    expect(res.body).toEqual({ got: { a: [1, { b: 'ü' }] } });
  });

  test('two Set-Cookie headers stay two', async () => {
    const res = await agent.get('/cookies').expect(200, 'two cookies');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
  });

  test('redirects', async () => {
    await agent.get('/redirect').expect(302).expect('location', '/users/7');
  });

  test('a streamed response arrives whole and chunked', async () => {
    const res = await agent.get('/stream').expect(200);
    expect(res.text).toBe('part 0\npart 1\npart 2\ndone\n');
    expect(res.headers['transfer-encoding']).toBe('chunked');
  });

  test('errors become the app’s own 500 page', async () => {
    const res = await agent.get('/boom').expect(500);
    expect(res.text).toContain('Error: boom');
  });

  test('mounted under urlMap: req.baseUrl is SCRIPT_NAME, routing is on PATH_INFO', async () => {
    const mounted = request(toNodeListener(lint(urlMap({ '/api': app })), { errors: quiet }));
    const res = await mounted.get('/api/users/5?q=1').expect(200);
    expect(res.body).toEqual({ id: '5', q: '1', url: '/users/5?q=1', baseUrl: '/api', originalUrl: '/api/users/5?q=1' });
  });

  test('fullUrl keeps SCRIPT_NAME in req.url', async () => {
    const full = express().use((req, res) => {
      res.json({ url: req.url });
    });
    const mounted = request(toNodeListener(lint(urlMap({ '/api': fromNodeListener(full, { fullUrl: true }) }))));
    const res = await mounted.get('/api/x?y=1').expect(200);
    expect(res.body).toEqual({ url: '/api/x?y=1' });
  });

  test('req.ip, protocol and encrypted come from REMOTE_ADDR and wsgi.url_scheme', async () => {
    const plain = await agent.get('/info').expect(200);
    expect(plain.body).toMatchObject({ protocol: 'http', secure: false, encrypted: false });
    expect(String(plain.body.ip)).toMatch(/127\.0\.0\.1$/);
    const tls = await request(toNodeListener(lint(app), { urlScheme: 'https', errors: quiet })).get('/info').expect(200);
    expect(tls.body).toMatchObject({ protocol: 'https', secure: true, encrypted: true });
  });
});

describe('Koa through the wrap (served by serve())', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(lint(fromNodeListener(koaApp())), { port: 0, errors: quiet });
  });
  afterAll(() => served.close());

  test('accepts the Koa app itself (its callback())', async () => {
    const app: Application = fromNodeListener(koaApp());
    const res = await request(toNodeListener(lint(app))).get('/users/3?q=z').expect(200);
    expect(res.body).toEqual({ id: '3', q: 'z' });
  });

  test('ctx.throw(418) keeps its status and message', async () => {
    const res = await fetch(served.url + '/teapot');
    expect(res.status).toBe(418);
    expect(await res.text()).toBe('short and stout');
  });

  test('a Readable body streams through', async () => {
    const res = await fetch(served.url + '/stream');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(await res.text()).toBe('part 0\npart 1\npart 2\ndone\n');
  });
});
