/**
 * cors() on a real server on 127.0.0.1, under lint(), with gzip() below it: what a
 * client reads off the wire for a preflight (a 204 with no body and no length), an
 * actual request (the headers, Vary merged with gzip's), and the app's 404.
 */
import { request } from 'node:http';
import { compose, type Application } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { cors } from '@tsgi/cors';

const APP = 'http://app.localhost:5173';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Buffer;
}

/** One request on its own connection; `raw` is the response head as sent. */
function send(url: string, method: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false, timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, raw: res.rawHeaders.join('\n'), body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

let served: Served;
let appCalls = 0;

beforeAll(async () => {
  const api: Application = (environ, startResponse) => {
    appCalls++;
    if (environ.PATH_INFO !== '/items') {
      startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      return [Buffer.from('no such thing\n')];
    }
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [Buffer.from(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => `item ${i}`) }))];
  };
  const app = compose(cors({ origin: [APP], credentials: true, maxAge: 600, exposeHeaders: ['X-Total-Count'] }), gzip())(lint(api));
  served = await serve(lint(app), { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await served?.close();
});

test('a preflight: 204 with the CORS headers, no body, no Content-Length or Transfer-Encoding; the app never ran', async () => {
  const before = appCalls;
  const res = await send(`${served.url}/items`, 'OPTIONS', {
    Origin: APP,
    'Access-Control-Request-Method': 'PUT',
    'Access-Control-Request-Headers': 'content-type,x-request-id',
  });
  expect(res.status).toBe(204);
  expect(res.headers['access-control-allow-origin']).toBe(APP);
  expect(res.headers['access-control-allow-credentials']).toBe('true');
  expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, PUT, PATCH, POST, DELETE');
  expect(res.headers['access-control-allow-headers']).toBe('content-type, x-request-id');
  expect(res.headers['access-control-max-age']).toBe('600');
  expect(res.headers.vary).toBe('Origin, Access-Control-Request-Headers');
  expect(res.headers['content-length']).toBeUndefined();
  expect(res.headers['transfer-encoding']).toBeUndefined();
  expect(res.body.byteLength).toBe(0);
  expect(appCalls).toBe(before);
});

test('an actual request from the allowed origin, gzipped below: one Vary listing both', async () => {
  const res = await send(`${served.url}/items`, 'GET', { Origin: APP, 'Accept-Encoding': 'gzip' });
  expect(res.status).toBe(200);
  expect(res.headers['content-encoding']).toBe('gzip');
  expect(res.headers['access-control-allow-origin']).toBe(APP);
  expect(res.headers['access-control-expose-headers']).toBe('X-Total-Count');
  expect(res.raw.split('\n').filter((line) => line.toLowerCase() === 'vary')).toHaveLength(1);
  expect(res.headers.vary).toBe('Accept-Encoding, Origin');
});

test("the app's 404 carries the headers, so the page can read why", async () => {
  const res = await send(`${served.url}/nope`, 'GET', { Origin: APP });
  expect(res.status).toBe(404);
  expect(res.headers['access-control-allow-origin']).toBe(APP);
  expect(res.body.toString()).toBe('no such thing\n');
});

test('another origin: the response goes out without CORS headers (the browser hides it), with Vary: Origin', async () => {
  const res = await send(`${served.url}/items`, 'GET', { Origin: 'http://evil.localhost:5173' });
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  expect(res.headers.vary).toBe('Accept-Encoding, Origin');
});
