/**
 * A tsgi middleware that changes nothing must leave the host's answers as they were:
 * the same native routes answered by plain Express and Koa, and by the same apps with
 * a linted pass-through middleware mounted by the adapter, give the same status,
 * reason, body and headers (Set-Cookie twice, Location, Content-Type...). For
 * Express, random sequences of `res.write()`/`res.end()` chunks (strings and bytes, a
 * tiny high-water mark so the capture's backpressure is exercised) come out byte for
 * byte (fast-check). The same holds for two and three such layers stacked in one app.
 */
import { createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import express from 'express';
import Koa from 'koa';
import fc from 'fast-check';
import type { Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { toConnect, toKoa } from '@tsgi/adapters';

interface Answer {
  status: number;
  reason: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const passThrough: Middleware = (app) => lint(app);

async function withServer<T>(listener: (...args: Parameters<RequestListener>) => unknown, run: (url: string) => Promise<T>): Promise<T> {
  const server: Server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function get(url: string, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, reason: res.statusMessage!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * What must not change. Date and framing may: a body the host ended at once goes out
 * with a Content-Length where node would have sent it chunked.
 */
function comparable(answer: Answer): unknown {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, 'transfer-encoding': _te, 'content-length': _length, ...headers } = answer.headers;
  return { ...answer, headers };
}

function expressRoutes(app: express.Express): express.Express {
  app.get('/json', (_req, res) => res.json({ a: 1, list: [1, 2, 3] }));
  app.get('/cookies', (_req, res) => res.cookie('a', '1').cookie('b', '2', { httpOnly: true }).send('two cookies'));
  app.get('/redirect', (_req, res) => res.redirect(302, '/json'));
  app.get('/status', (_req, res) => res.status(418).send('short and stout'));
  app.get('/reason', (_req, res) => {
    res.statusMessage = 'Fine Indeed';
    res.status(200).end('custom reason');
  });
  app.get('/empty', (_req, res) => res.status(204).end());
  app.get('/write-head', (_req, res) => {
    res.writeHead(201, { 'Content-Type': 'text/plain', 'X-Pair': 'one' });
    res.end('created');
  });
  app.get('/file', (_req, res) => res.sendFile(__filename));
  app.get('/piped', (_req, res) => {
    res.type('text/plain');
    Readable.from(['a', 'b', 'c'].map((s) => s.repeat(20_000))).pipe(res);
  });
  return app;
}

function koaApp(layers: number): Koa {
  const app = new Koa();
  app.silent = true;
  for (let i = 0; i < layers; i++) app.use(toKoa(passThrough));
  app.use((ctx) => {
    switch (ctx.path) {
      case '/json':
        ctx.body = { a: 1, list: [1, 2, 3] };
        break;
      case '/buffer':
        ctx.body = Buffer.from('bytes');
        break;
      case '/string':
        ctx.body = '<p>html</p>';
        break;
      case '/stream': {
        const stream = new PassThrough();
        ctx.type = 'text/plain';
        ctx.body = stream;
        stream.end('streamed');
        break;
      }
      case '/web-stream':
        ctx.type = 'text/plain';
        ctx.body = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('web'));
            controller.close();
          },
        });
        break;
      case '/cookies':
        ctx.cookies.set('a', '1');
        ctx.cookies.set('b', '2');
        ctx.body = 'two cookies';
        break;
      case '/redirect':
        ctx.redirect('/json');
        break;
      case '/status':
        ctx.status = 418;
        ctx.body = 'short and stout';
        break;
      case '/not-modified':
        ctx.status = 304;
        break;
      case '/null':
        ctx.body = null;
        break;
    }
  });
  return app;
}

describe.each([1, 2, 3])('Express: %i pass-through layer(s) change nothing', (layers) => {
  const plain = expressRoutes(express());
  const mounted = express();
  for (let i = 0; i < layers; i++) mounted.use(toConnect(passThrough, { errors: { write: () => undefined } }));
  expressRoutes(mounted);

  test.each(['/json', '/cookies', '/redirect', '/status', '/reason', '/empty', '/write-head', '/file', '/piped', '/missing'])('%s', async (path) => {
    const before = await withServer(plain, (url) => get(url + path));
    const after = await withServer(mounted, (url) => get(url + path));
    expect(comparable(after)).toEqual(comparable(before));
    const head = await withServer(mounted, (url) => get(url + path, 'HEAD'));
    expect(head.body).toBe('');
    expect(head.status).toBe(before.status);
  });
});

describe.each([1, 2])('Koa: %i pass-through layer(s) change nothing', (layers) => {
  test.each(['/json', '/buffer', '/string', '/stream', '/web-stream', '/cookies', '/redirect', '/status', '/not-modified', '/null', '/missing'])('%s', async (path) => {
    const before = await withServer(koaApp(0).callback(), (url) => get(url + path));
    const after = await withServer(koaApp(layers).callback(), (url) => get(url + path));
    expect(comparable(after)).toEqual(comparable(before));
  });
});

test.each([1, 3])('Express: any sequence of write()/end() chunks comes out byte for byte, through %i layer(s) with a 16-byte high-water mark', async (layers) => {
  const chunk = fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes)));
  const plan = fc.record({ chunks: fc.array(chunk, { maxLength: 12 }), last: fc.option(chunk, { nil: undefined }), flush: fc.boolean() });
  let current: { chunks: Array<string | Buffer>; last: string | Buffer | undefined; flush: boolean } = { chunks: [], last: undefined, flush: false };
  const app = express();
  for (let i = 0; i < layers; i++) app.use(toConnect(passThrough, { highWaterMark: 16 }));
  app.get('/bytes', (_req, res) => {
    const { chunks, last, flush } = current;
    res.type('application/octet-stream');
    if (flush) res.flushHeaders();
    let i = 0;
    // Writes as a piped stream would: on when write() says so, else after 'drain'.
    const pump = (): void => {
      while (i < chunks.length) if (!res.write(chunks[i++]!)) return void res.once('drain', pump);
      res.end(last);
    };
    pump();
  });
  await withServer(app, async (url) => {
    await fc.assert(
      fc.asyncProperty(plan, async (generated) => {
        current = generated;
        const expected = Buffer.concat([...generated.chunks, ...(generated.last === undefined ? [] : [generated.last])].map((c) => Buffer.from(c)));
        const answer = await new Promise<Buffer>((resolve, reject) => {
          request(url + '/bytes', { agent: false }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (part: Buffer) => parts.push(part));
            res.on('end', () => resolve(Buffer.concat(parts)));
          })
            .on('error', reject)
            .end();
        });
        expect(answer.equals(expected)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
