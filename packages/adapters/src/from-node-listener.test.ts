import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Environ } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { fromNodeListener } from './from-node-listener.js';
import { quotePath } from '@tsgi/core';

function environ(extra: Record<string, unknown> = {}): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8080',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '10.1.2.3',
    REMOTE_PORT: '5555',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': { async *[Symbol.asyncIterator]() {} } as never,
    'wsgi.errors': { write() {}, writelines() {}, flush() {} },
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    ...extra,
  } as Environ;
}

const noStart = (): (() => void) => () => undefined;

describe('fromNodeListener: the request', () => {
  test('method, url, headers and socket come from the environ', async () => {
    let seen: IncomingMessage | undefined;
    const app = fromNodeListener((req, res) => {
      seen = req;
      res.end();
    });
    await app(
      environ({
        REQUEST_METHOD: 'PATCH',
        PATH_INFO: '/caf\xc3\xa9/a b',
        QUERY_STRING: 'x=1',
        HTTP_X_MULTI_WORD: 'v',
        HTTP_COOKIE: 'a=1; b=2',
        CONTENT_TYPE: 'text/plain',
        CONTENT_LENGTH: '0',
        SERVER_PROTOCOL: 'HTTP/1.0',
        'wsgi.url_scheme': 'https',
      }),
      noStart,
    );
    expect(seen!.method).toBe('PATCH');
    expect(seen!.url).toBe('/caf%C3%A9/a%20b?x=1');
    expect(seen!.headers).toEqual({ 'x-multi-word': 'v', cookie: 'a=1; b=2', 'content-type': 'text/plain', 'content-length': '0' });
    expect(seen!.httpVersion).toBe('1.0');
    const socket = seen!.socket as unknown as { remoteAddress: string; remotePort: number; encrypted: boolean; localPort: number };
    expect([socket.remoteAddress, socket.remotePort, socket.encrypted, socket.localPort]).toEqual(['10.1.2.3', 5555, true, 8080]);
  });

  test('the raw REQUEST_URI path is kept when it still matches (a %2F stays %2F)', async () => {
    const urls: string[] = [];
    const app = fromNodeListener((req, res) => {
      urls.push(req.url!);
      res.end();
    });
    await app(environ({ PATH_INFO: '/a/b', REQUEST_URI: '/a%2Fb?q', QUERY_STRING: 'q' }), noStart);
    // A middleware rewrote PATH_INFO: the raw URI no longer applies.
    await app(environ({ PATH_INFO: '/other', REQUEST_URI: '/a%2Fb' }), noStart);
    expect(urls).toEqual(['/a%2Fb?q', '/other']);
  });

  test('quotePath keeps pchars and percent-encodes each latin-1 byte', () => {
    expect(quotePath("/a-b_c.d~e!$&'()*+,;=:@")).toBe("/a-b_c.d~e!$&'()*+,;=:@");
    expect(quotePath('/a b%?#\xff')).toBe('/a%20b%25%3F%23%FF');
  });
});

describe('fromNodeListener: the response', () => {
  test('a listener done in the same turn gives an array body (the gateway’s one-write path)', async () => {
    const app = fromNodeListener((_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.write('a');
      res.end('b');
    });
    const calls: unknown[] = [];
    const body = await app(environ(), (status, headers) => {
      calls.push(status, headers);
      return () => undefined;
    });
    expect(Array.isArray(body)).toBe(true);
    expect(Buffer.concat(body as Uint8Array[]).toString()).toBe('ab');
    expect(calls).toEqual(['200 OK', [['Content-Type', 'text/plain']]]);
  });

  test('interim responses (writeContinue, writeEarlyHints) do not leak into the body', async () => {
    const app = fromNodeListener((_req, res) => {
      res.writeContinue();
      res.writeEarlyHints({ link: '</a.css>; rel=preload' });
      res.end('final');
    });
    const body = await app(environ({ HTTP_EXPECT: '100-continue' }), noStart);
    expect(Buffer.concat(body as Uint8Array[]).toString()).toBe('final');
  });

  test('backpressure: write() is false past highWaterMark until the gateway pulls, then drain', async () => {
    const results: boolean[] = [];
    let drains = 0;
    let response!: ServerResponse;
    const app = fromNodeListener(
      (_req, res) => {
        response = res;
        res.on('drain', () => drains++);
        res.writeHead(200);
        for (let i = 0; i < 4; i++) results.push(res.write(Buffer.alloc(100)));
      },
      { highWaterMark: 150 },
    );
    const body = (await app(environ(), noStart)) as AsyncIterableIterator<Uint8Array> & { close(): void };
    expect(results).toEqual([true, false, false, false]);
    let bytes = 0;
    for (let i = 0; i < 4; i++) bytes += (await body.next()).value!.byteLength;
    await new Promise((resolve) => setImmediate(resolve));
    expect(bytes).toBe(400);
    expect(drains).toBe(1);
    response.end();
    expect((await body.next()).done).toBe(true);
  });

  test('close() before the listener ends tears down: res and req see close', async () => {
    const seen: string[] = [];
    const app = fromNodeListener((req, res) => {
      req.on('close', () => seen.push('req close'));
      res.on('close', () => seen.push('res close'));
      res.writeHead(200);
      res.write('partial');
    });
    const body = (await app(environ(), noStart)) as AsyncIterableIterator<Uint8Array> & { close(): void };
    expect(Buffer.from((await body.next()).value!).toString()).toBe('partial');
    body.close();
    body.close(); // idempotent
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.sort()).toEqual(['req close', 'res close']);
  });

  test('timeout: no response within the time rejects with a message that says so', async () => {
    const app = fromNodeListener(() => undefined, { timeout: 20 });
    await expect(app(environ(), noStart)).rejects.toThrow('did not start a response within 20 ms');
  });

  test('runs under lint through testClient (HEAD closes the body, cookies stay apart)', async () => {
    const app = fromNodeListener((req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end(req.method === 'HEAD' ? undefined : 'body');
    });
    const client = testClient(app);
    const get = await client.get('/');
    expect([get.status, get.text, get.headerValues('set-cookie')]).toEqual([200, 'body', ['a=1', 'b=2']]);
    const head = await client.head('/');
    expect([head.status, head.body.byteLength]).toEqual([200, 0]);
  });

  test('bad options and listeners throw a TypeError naming them', () => {
    const ok = (): void => undefined;
    expect(() => fromNodeListener(ok, { timeout: -1 })).toThrow(/timeout/);
    expect(() => fromNodeListener(ok, { highWaterMark: 0 })).toThrow(/highWaterMark/);
    expect(() => fromNodeListener(ok, { fullUrl: 'yes' as never })).toThrow(/fullUrl/);
    expect(() => fromNodeListener({} as never)).toThrow(/listener/);
  });
});
