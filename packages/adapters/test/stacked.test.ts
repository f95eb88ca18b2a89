/**
 * `toConnect` layers stacked in one Express app, beyond the conformance table: the
 * README's and the guide's apps as they are written (gzip at the root, basic auth on
 * /admin, an access log above both), a host middleware that patches `res` between two
 * layers (compression), a nested layer that cuts its response after the headers, and
 * an outer layer that drops the inner body early. Every tsgi layer runs under lint().
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import compression from 'compression';
import express from 'express';
import { closeBody, onClose, type Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { gzip } from '@tsgi/gzip';
import { basicAuth } from '@tsgi/auth';
import { accessLog } from '@tsgi/logger';
import { environOf, toConnect } from '@tsgi/adapters';

const ADA = 'Basic ' + Buffer.from('ada:lovelace').toString('base64');
const rows = Array.from({ length: 200 }, (_, id) => ({ id, name: `row ${id}` }));
const quiet = { write: (): void => undefined };

/** `middleware` with lint on both sides. */
const linted =
  (middleware: Middleware): Middleware =>
  (inner) =>
    lint(middleware(lint(inner)));

async function serving<T>(app: express.Express, run: (base: string) => Promise<T>): Promise<T> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The response ended short of its framing (a cut connection). */
  cut: boolean;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      let cut = false;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('aborted', () => (cut = true));
      res.on('error', () => (cut = true));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cut: cut || !res.complete }));
    });
    req.setTimeout(3000, () => req.destroy(new Error(`no answer from ${url} in 3 s`)));
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

test("the README's app: gzip at the root, basic auth on /admin, environOf(req) below", async () => {
  const app = express();
  app.use(toConnect(linted(gzip()), { errors: quiet }));
  app.use('/admin', toConnect(linted(basicAuth({ users: { ada: 'lovelace' } })), { errors: quiet }));
  app.get('/admin/rows', (req, res) => res.json({ user: environOf(req)?.REMOTE_USER, rows }));
  app.get('/open', (_req, res) => res.json({ rows }));
  await serving(app, async (base) => {
    const refused = await get(`${base}/admin/rows`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Basic realm=/);
    const admitted = await get(`${base}/admin/rows`, { Authorization: ADA, 'Accept-Encoding': 'gzip' });
    expect([admitted.status, admitted.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(JSON.parse(gunzipSync(admitted.body).toString())).toEqual({ user: 'ada', rows });
    const open = await get(`${base}/open`, { 'Accept-Encoding': 'gzip' });
    expect(JSON.parse(gunzipSync(open.body).toString())).toEqual({ rows });
  });
});

test("the guide's app: an access log above gzip and basic auth logs one line per request, with the final status and size", async () => {
  const lines: string[] = [];
  const app = express();
  app.use(toConnect(linted(accessLog({ format: 'common', flushInterval: 0, stream: { write: (text: string) => lines.push(text.trim()) } })), { errors: quiet }));
  app.use(toConnect(linted(gzip()), { errors: quiet }));
  app.use('/admin', toConnect(linted(basicAuth({ users: { ada: 'lovelace' } })), { errors: quiet }));
  app.get('/admin/rows', (_req, res) => res.json({ rows }));
  await serving(app, async (base) => {
    expect((await get(`${base}/admin/rows`)).status).toBe(401);
    const zipped = await get(`${base}/admin/rows`, { Authorization: ADA, 'Accept-Encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    await until(() => lines.length === 2, 'two log lines');
    expect(lines[0]).toMatch(/"GET \/admin\/rows HTTP\/1.1" 401 /);
    // The size the client got: gzip's output, measured above it.
    expect(lines[1]).toMatch(new RegExp(`"GET /admin/rows HTTP/1.1" 200 ${zipped.body.length}$`));
  });
});

test("a host middleware that patches res between two layers (compression) sits in the chain like any other", async () => {
  const lines: string[] = [];
  const app = express();
  app.use(toConnect(linted(accessLog({ format: 'common', flushInterval: 0, stream: { write: (text: string) => lines.push(text.trim()) } })), { errors: quiet }));
  app.use(compression({ threshold: 0 }));
  app.use(toConnect(linted((inner) => inner), { errors: quiet }));
  app.get('/big', (_req, res) => res.type('text/plain').send('abc'.repeat(20_000)));
  await serving(app, async (base) => {
    const reply = await get(`${base}/big`, { 'Accept-Encoding': 'gzip' });
    expect([reply.status, reply.headers['content-encoding'], reply.cut]).toEqual([200, 'gzip', false]);
    expect(gunzipSync(reply.body).toString()).toBe('abc'.repeat(20_000));
    await until(() => lines.length === 1, 'the log line');
    expect(lines[0]).toMatch(new RegExp(` 200 ${reply.body.length}$`));
  });
});

test('a nested layer that fails after its headers cuts the connection; every layer closes its body once, and the server serves on', async () => {
  const closed: string[] = [];
  const counting =
    (name: string): Middleware =>
    (inner) =>
      async function countingApp(environ, startResponse) {
        return onClose(await inner(environ, startResponse), () => closed.push(name));
      };
  const failing: Middleware = (inner) =>
    async function failingApp(environ, startResponse) {
      const body = await inner(environ, startResponse);
      if (environ.PATH_INFO !== '/fail') return body;
      return {
        async *[Symbol.asyncIterator]() {
          yield new TextEncoder().encode('first part, ');
          throw new Error('the nested layer broke mid-body');
        },
        close: () => closeBody(body),
      };
    };
  const app = express();
  app.use(toConnect(linted(counting('outer')), { errors: quiet }));
  app.use(toConnect(linted((inner) => counting('inner')(failing(inner))), { errors: quiet }));
  app.get('/fail', (_req, res) => res.type('text/plain').send('x'.repeat(100)));
  app.get('/ok', (_req, res) => res.type('text/plain').send('fine'));
  await serving(app, async (base) => {
    const reply = await get(`${base}/fail`);
    expect([reply.status, reply.cut, reply.body.toString()]).toEqual([200, true, 'first part, ']);
    await until(() => closed.length === 2, 'both layers to close their bodies');
    expect(closed.sort()).toEqual(['inner', 'outer']);
    const next = await get(`${base}/ok`);
    expect([next.status, next.body.toString()]).toEqual([200, 'fine']);
  });
});

test('an outer layer that drops its inner body early stops the nested layer while its own response still streams', async () => {
  const events: string[] = [];
  const encoder = new TextEncoder();
  const replacing: Middleware = (inner) =>
    async function replacingApp(environ, startResponse) {
      // Takes the status the stack below gave, drops its body, streams its own.
      const below = await inner(environ, () => () => undefined);
      await closeBody(below);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* replacement() {
        yield encoder.encode('replaced');
        // The nested layer's body must close now, not when this response ends.
        for (let i = 0; i < 200 && !events.includes('nested closed'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
        events.push('outer done');
        yield encoder.encode(', done');
      })();
    };
  const nested: Middleware = (inner) =>
    async function nestedApp(environ, startResponse) {
      return onClose(await inner(environ, startResponse), () => events.push('nested closed'));
    };
  const app = express();
  app.use(toConnect(linted(replacing), { errors: quiet }));
  app.use(toConnect(linted(nested), { errors: quiet }));
  app.get('/endless', (_req, res) => {
    res.type('text/plain');
    const timer = setInterval(() => res.write('tick\n'), 5);
    res.on('close', () => clearInterval(timer));
  });
  await serving(app, async (base) => {
    const reply = await get(`${base}/endless`);
    expect([reply.status, reply.body.toString()]).toEqual([200, 'replaced, done']);
    expect(events).toEqual(['nested closed', 'outer done']);
  });
});
