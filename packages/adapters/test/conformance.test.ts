/**
 * One conformance suite over every host (Express 5, Express 4, Connect, Koa,
 * Fastify, Hono, h3), the way universal-middleware runs one suite against every
 * adapter: the same tsgi stack (stack.ts: access log, a header stamp, gzip, a close
 * counter, basic auth on /private, a tsgi router, lint on both sides of the stack)
 * mounted by the host's adapter in a real app on 127.0.0.1, driven by real node:http
 * requests through one table (table.ts). Same statuses, same decoded bodies and one
 * log line each, in every host. The runtime matrix (examples/runtimes) sends the same
 * table to Hono and h3 on Bun and Deno.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync, createGunzip } from 'node:zlib';
import { statusLine, type Middleware } from '@tsgi/core';
import { HOSTS, newProbe, type Host, type Probe } from './hosts.js';
import { tsgiStack } from './stack.js';
import { ERRORS_PASS_THROUGH, gzippedBy, TABLE } from './table.js';

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

/** The tsgi stack of stack.ts, recording into arrays for one test. */
function recordedStack(): { middleware: Middleware; log: string[]; closes: string[] } {
  const log: string[] = [];
  const closes: string[] = [];
  const middleware = tsgiStack({ line: (text) => log.push(text), closed: (path) => closes.push(path) });
  return { middleware, log, closes };
}

describe.each(Object.keys(HOSTS))('%s', (hostName) => {
  let host: Host;
  let probe: Probe;
  let stack: ReturnType<typeof recordedStack>;

  beforeEach(async () => {
    probe = newProbe();
    stack = recordedStack();
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
    const gzipped = gzippedBy(row, hostName);
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
