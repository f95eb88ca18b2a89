/**
 * One conformance suite over every host (Express 5, Express 4, Connect, Koa,
 * Fastify, Hono, h3), the way universal-middleware runs one suite against every
 * adapter: the same tsgi stack (stack.ts: access log, a header stamp, gzip, a close
 * counter, basic auth on /private, a tsgi router, lint on both sides of the stack)
 * mounted by the host's adapter in a real app on 127.0.0.1, driven by real node:http
 * requests through one table (table.ts). Same statuses, same decoded bodies and one
 * log line each, in every host. The runtime matrix (examples/runtimes) sends the same
 * table to Hono and h3 on Bun and Deno.
 *
 * Each host runs it three times: the stack in one adapter layer, cut into two and
 * into three layers mounted one `use()` after the other (basic auth on /private by
 * the host's own mount), which must answer the same; and `server.close()` must finish
 * once their requests are answered.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync, createGunzip } from 'node:zlib';
import { statusLine } from '@tsgi/core';
import { HOSTS, newProbe, type Host, type Probe } from './hosts.js';
import { LAYER_COUNTS, reaches, tsgiLayers, type Layer, type LayerCount } from './stack.js';
import { ERRORS_PASS_THROUGH, gzippedBy, TABLE } from './table.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(url: string, method = 'GET', headers: Record<string, string> = {}, body?: string, timeoutMs = 3000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${method} ${url} in ${timeoutMs} ms`)));
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

/** The tsgi stack of stack.ts in `count` layers, recording into arrays for one test. */
function recordedStack(count: LayerCount): { layers: Layer[]; log: string[]; closes: string[] } {
  const log: string[] = [];
  const closes: string[] = [];
  const layers = tsgiLayers({ line: (text) => log.push(text), closed: (path) => closes.push(path) }, count);
  return { layers, log, closes };
}

/** What `promise` resolves to, or 'timed out' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const CASES = Object.keys(HOSTS).flatMap((hostName) => LAYER_COUNTS.map((count) => [hostName, count] as const));

describe.each(CASES)('%s, %i layer(s)', (hostName, count) => {
  let host: Host;
  let probe: Probe;
  let stack: ReturnType<typeof recordedStack>;
  /** One close() per layer the request passed. */
  const closesFor = (path: string): string[] => stack.layers.filter((layer) => reaches(layer, path)).map(() => path);

  beforeEach(async () => {
    probe = newProbe();
    stack = recordedStack(count);
    host = await HOSTS[hostName]!(stack.layers, probe);
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
    const closes = closesFor(row.path);
    await until(() => stack.log.length >= 1 && stack.closes.length >= closes.length, 'the log line and close()');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stack.log).toHaveLength(1);
    expect(stack.log[0]).toContain(`"${row.method ?? 'GET'} ${row.path} HTTP/1.1" ${row.status} `);
    expect(stack.closes).toEqual(closes);
    expect(probe.hostErrors).toEqual([]);
  });

  test('server.close() finishes once the requests through the layers are answered', async () => {
    // No client timeout in time: a request left hanging must still be open when close() is called.
    const replies = Promise.allSettled(TABLE.map((row) => send(host.url + row.path, row.method ?? 'GET', row.headers, row.send, 20_000)));
    const settled = await within(replies, 2500);
    const failed = settled === 'timed out' ? [] : settled.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    const requests = settled === 'timed out' ? 'still open after 2.5 s' : failed.length > 0 ? `failed: ${failed.join(', ')}` : 'answered';
    // Node's default agent keeps the connections alive: close() must close them as idle,
    // and a request still in flight holds it open.
    const shutdown = (await within(host.shutdown(), 2500)) === 'timed out' ? 'still waiting after 2.5 s' : 'closed';
    expect({ requests, shutdown }).toEqual({ requests: 'answered', shutdown: 'closed' });
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
    const closes = closesFor('/forever');
    await until(() => stack.closes.length === closes.length && probe.foreverStopped >= 1, "each layer's close() and the native stream to stop");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stack.closes).toEqual(closes);
  });

  test('three requests in a row give three log lines, one each', async () => {
    for (let i = 0; i < 3; i++) expect((await send(host.url + '/missing')).status).toBe(404);
    await until(() => stack.log.length === 3, 'three log lines');
    expect(stack.log.every((line) => line.includes(` ${statusLine(404).slice(0, 3)} `))).toBe(true);
  });
});
