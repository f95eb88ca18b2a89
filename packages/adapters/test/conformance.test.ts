/**
 * One conformance suite over every host (Express 5, Express 4, Connect, Koa,
 * Fastify, Hono, h3), the way universal-middleware runs one suite against every
 * adapter: the same tsgi stack (access log, a header stamp, gzip, a close counter,
 * basic auth on /private, a tsgi router, lint on both sides of the stack) mounted by
 * the host's adapter in a real app on 127.0.0.1, driven by real node:http requests.
 * Same statuses, same decoded bodies and one log line each, in every host.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync, createGunzip } from 'node:zlib';
import { compose, onClose, statusLine, type Application, type Middleware } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { accessLog } from '@tsgi/logger';
import { gzip } from '@tsgi/gzip';
import { basicAuth } from '@tsgi/auth';
import { cascade, router, urlMap } from '@tsgi/router';
import { HOSTS, JSON_TEXT, newProbe, type Host, type Probe } from './hosts.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${method} ${url} in 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

function decoded(reply: Reply): string {
  return (reply.headers['content-encoding'] === 'gzip' ? gunzipSync(reply.body) : reply.body).toString();
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const ERRORS_PASS_THROUGH = new Set(['Koa', 'h3']);
const ALICE = 'Basic ' + Buffer.from('alice:wonderland').toString('base64');

/** The tsgi side every host mounts, and what it records. */
function tsgiStack(): { middleware: Middleware; log: string[]; closes: string[] } {
  const log: string[] = [];
  const closes: string[] = [];
  const hello: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [Buffer.from('hello from a tsgi route')];
  };
  const throwing: Application = () => {
    throw new Error('boom in tsgi');
  };
  const tsgiRoutes = router().get('/tsgi/hello', hello).get('/tsgi/throw', throwing);
  // On the way out: a header on every response the stack passes up.
  const stamp: Middleware = (app) =>
    function stampApp(environ, startResponse) {
      return app(environ, (status, headers, excInfo) => startResponse(status, [...headers, ['X-Tsgi', 'stamped']], excInfo));
    };
  const countCloses: Middleware = (app) =>
    async function closeCountingApp(environ, startResponse) {
      const path = environ.PATH_INFO;
      return onClose(await app(environ, startResponse), () => closes.push(path));
    };
  const guarded: Middleware = (app) => urlMap({ '/private': basicAuth({ users: { alice: 'wonderland' } })(app), '/': app });
  const routes: Middleware = (app) => cascade([tsgiRoutes, app]);
  const stack = compose(
    accessLog({ format: 'common', flushInterval: 0, stream: { write: (text: string) => log.push(...text.split('\n').filter(Boolean)) } }),
    stamp,
    gzip({ threshold: 1024 }),
    countCloses,
    guarded,
    routes,
  );
  return { middleware: (inner) => lint(stack(lint(inner))), log, closes };
}

interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A request body (text/plain). */
  send?: string;
  status: number;
  body?: string;
  gzip: boolean;
  /** Compressed after all where the host gives the body without a length (see LENGTHLESS_HOSTS). */
  unknownLengthGzip?: boolean;
  /** The native route ran (false: the tsgi side answered by itself). */
  native: boolean;
}

const TABLE: Case[] = [
  { name: 'passes on and compresses on the way out', path: '/json', headers: { 'Accept-Encoding': 'gzip' }, status: 200, body: JSON_TEXT, gzip: true, native: true },
  { name: 'passes on a small body unchanged', path: '/text', headers: { 'Accept-Encoding': 'gzip' }, status: 200, body: 'hello from the host', gzip: false, unknownLengthGzip: true, native: true },
  { name: 'passes on without Accept-Encoding', path: '/json', status: 200, body: JSON_TEXT, gzip: false, native: true },
  { name: 'answers itself: auth refuses', path: '/private/data', status: 401, gzip: false, native: false },
  { name: 'auth passes the user below', path: '/private/data', headers: { Authorization: ALICE }, status: 200, body: 'user=alice', gzip: false, native: true },
  { name: 'answers itself: a tsgi route', path: '/tsgi/hello', status: 200, body: 'hello from a tsgi route', gzip: false, native: false },
  { name: "the host's own 404", path: '/missing', status: 404, gzip: false, native: false },
  { name: 'a request body the tsgi side leaves unread reaches the route below', method: 'POST', path: '/echo', headers: { 'Content-Type': 'text/plain' }, send: 'ping', status: 200, body: 'echo: ping', gzip: false, native: true },
  { name: 'HEAD: headers only', method: 'HEAD', path: '/json', headers: { 'Accept-Encoding': 'gzip' }, status: 200, body: '', gzip: true, native: true },
];

/** Hosts whose answers reach the tsgi side as a body of unknown length. */
const LENGTHLESS_HOSTS = new Set(['Hono', 'h3']);

describe.each(Object.keys(HOSTS))('%s', (hostName) => {
  let host: Host;
  let probe: Probe;
  let stack: ReturnType<typeof tsgiStack>;

  beforeEach(async () => {
    probe = newProbe();
    stack = tsgiStack();
    host = await HOSTS[hostName]!(stack.middleware, probe);
  });
  afterEach(async () => {
    probe.releaseSse();
    await host.close();
  });

  test.each(TABLE)('$name: $method $path -> $status', async (row) => {
    const reply = await send(host.url + row.path, row.method ?? 'GET', row.headers, row.send);
    expect(reply.status).toBe(row.status);
    expect(reply.headers['x-tsgi']).toBe('stamped');
    // HEAD: gzip decides from the Content-Length the host gave, and not every host gives one.
    // The fetch hosts hand their Response body over as a stream of unknown length, which
    // gzip() compresses from its first chunk (its size threshold needs a known length).
    const gzipped = row.gzip || (row.unknownLengthGzip === true && LENGTHLESS_HOSTS.has(hostName));
    if (row.method !== 'HEAD') expect(reply.headers['content-encoding']).toBe(gzipped ? 'gzip' : undefined);
    if (row.body !== undefined) expect(row.method === 'HEAD' ? reply.body.toString() : decoded(reply)).toBe(row.body);
    if (row.status === 401) expect(reply.headers['www-authenticate']).toMatch(/^Basic realm=/);
    if (row.gzip && row.method !== 'HEAD') expect(reply.headers.vary).toMatch(/accept-encoding/i);
    expect(probe.ran.includes(row.path)).toBe(row.native);
    await until(() => stack.log.length >= 1 && stack.closes.length >= 1, 'the log line and close()');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stack.log).toHaveLength(1);
    expect(stack.log[0]).toContain(`"${row.method ?? 'GET'} ${row.path} HTTP/1.1" ${row.status} `);
    expect(stack.closes).toEqual([row.path]);
    expect(probe.hostErrors).toEqual([]);
  });

  test('an error thrown below reaches the host error handling', async () => {
    const reply = await send(host.url + '/boom');
    expect(reply.status).toBe(500);
    // Koa and h3 reject next() with it, so it passes up through the tsgi stack to the
    // host's handler; the others answer it below, and the 500 comes back up through it.
    expect(reply.headers['x-tsgi']).toBe(ERRORS_PASS_THROUGH.has(hostName) ? undefined : 'stamped');
    expect(probe.hostErrors.some((message) => message.includes('boom below'))).toBe(true);
    await until(() => stack.log.length === 1, 'the log line');
    expect(stack.log[0]).toContain('"GET /boom HTTP/1.1" 500 ');
  });

  test('an error thrown in the tsgi middleware reaches the host error handling', async () => {
    const reply = await send(host.url + '/tsgi/throw');
    expect(reply.status).toBe(500);
    expect(probe.hostErrors.some((message) => message.includes('boom in tsgi'))).toBe(true);
    expect(probe.ran).toEqual([]);
  });

  test('SSE under gzip streams event by event', async () => {
    const events: string[] = [];
    const done = new Promise<{ status: number; encoding: string | undefined }>((resolve, reject) => {
      const req = httpRequest(host.url + '/sse', { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const gunzip = createGunzip();
        res.pipe(gunzip);
        gunzip.on('data', (chunk: Buffer) => {
          events.push(chunk.toString());
          // The second event is only sent once the first one arrived, decoded.
          if (events.join('') === 'data: 1\n\n') probe.releaseSse();
        });
        gunzip.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'] }));
        gunzip.on('error', reject);
      });
      req.setTimeout(5000, () => req.destroy(new Error('the SSE stream stalled: the first event was held back')));
      req.on('error', reject);
      req.end();
    });
    const result = await done;
    expect(result).toEqual({ status: 200, encoding: 'gzip' });
    expect(events.join('')).toBe('data: 1\n\ndata: 2\n\n');
    expect(events[0]).toBe('data: 1\n\n');
  });

  test('close() runs once when the client leaves mid-stream, and the stream below stops', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(host.url + '/forever', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.setTimeout(5000, () => reject(new Error('no first chunk from /forever')));
      req.end();
    });
    await until(() => stack.closes.length === 1 && probe.foreverStopped >= 1, 'close() and the native stream to stop');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stack.closes).toEqual(['/forever']);
  });

  test('three requests in a row give three log lines, one each', async () => {
    for (let i = 0; i < 3; i++) expect((await send(host.url + '/missing')).status).toBe(404);
    await until(() => stack.log.length === 3, 'three log lines');
    expect(stack.log.every((line) => line.includes(` ${statusLine(404).slice(0, 3)} `))).toBe(true);
  });
});
