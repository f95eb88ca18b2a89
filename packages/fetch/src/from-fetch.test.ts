import { statusLine } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { fromFetch } from './from-fetch.js';

describe('fromFetch: the Request', () => {
  test('URL from requestUri, headers from HTTP_*/CONTENT_*, the body streamed from wsgi.input', async () => {
    let seen: { url: string; method: string; headers: Array<[string, string]>; body: string } | undefined;
    const app = fromFetch(async (request) => {
      seen = { url: request.url, method: request.method, headers: [...request.headers], body: await request.text() };
      return new Response('ok');
    });
    const res = await testClient(app).post('/caf%C3%A9/x?q=1%202', {
      headers: { 'X-One': 'a', 'Content-Type': 'text/plain', Host: 'example.org' },
      body: 'payload',
    });
    expect(res.text).toBe('ok');
    expect(seen).toEqual({
      url: 'http://example.org/caf%C3%A9/x?q=1%202',
      method: 'POST',
      headers: expect.arrayContaining([
        ['x-one', 'a'],
        ['content-type', 'text/plain'],
        ['content-length', '7'],
      ]) as never,
      body: 'payload',
    });
  });

  test('a chunked request body (no CONTENT_LENGTH) streams in too', async () => {
    const app = fromFetch(async (request) => new Response(`${(await request.arrayBuffer()).byteLength}`));
    const body = (function* () {
      for (let i = 0; i < 10; i++) yield new Uint8Array(1000);
    })();
    expect((await testClient(app).put('/', { body })).text).toBe('10000');
  });

  test('GET has no body; the handler may be an object with fetch() (as Hono is)', async () => {
    const app = fromFetch({ fetch: (request: Request) => new Response(String(request.body === null)) });
    expect((await testClient(app).get('/')).text).toBe('true');
  });
});

describe('fromFetch: the Response', () => {
  test('status text, else the registered phrase; Set-Cookie kept apart; hop-by-hop dropped', async () => {
    const app = fromFetch((request) => {
      const headers = new Headers([['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Connection', 'close'], ['X-A', '1']]);
      return new Response('body', { status: request.url.endsWith('/named') ? 299 : 418, statusText: request.url.endsWith('/named') ? 'Fine Then' : '', headers });
    });
    const client = testClient(app);
    const plain = await client.get('/');
    expect(plain.statusLine).toBe(statusLine(418));
    expect(plain.headerValues('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(plain.header('connection')).toBeUndefined();
    expect(plain.header('x-a')).toBe('1');
    expect((await client.get('/named')).statusLine).toBe('299 Fine Then');
  });

  test('a streamed Response body streams out; closing early cancels the stream', async () => {
    let cancelled = false;
    let pulls = 0;
    const app = fromFetch(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              controller.enqueue(new Uint8Array(1024).fill(pulls++));
            },
            cancel() {
              cancelled = true;
            },
          }),
        ),
    );
    const res = await testClient(app, { maxResponseBytes: 4096 }).get('/');
    expect(res.truncated).toBe(true);
    expect(res.closeCalls).toBe(1);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(16);
  });

  test('HEAD closes the body without reading it', async () => {
    let cancelled = false;
    const app = fromFetch(
      () => new Response(new ReadableStream({ cancel: () => void (cancelled = true) }), { headers: { 'Content-Length': '5' } }),
    );
    const res = await testClient(app).head('/');
    expect([res.status, res.header('content-length'), res.body.byteLength, res.closeCalls]).toEqual([200, '5', 0, 1]);
    expect(cancelled).toBe(true);
  });

  test('a handler error rejects the Application (the gateway’s 500); a non-Response is one', async () => {
    await expect(testClient(fromFetch(() => Promise.reject(new Error('nope')))).get('/')).rejects.toThrow('nope');
    await expect(testClient(fromFetch(() => 'text' as never)).get('/')).rejects.toThrow(/Response/);
    expect(() => fromFetch(42 as never)).toThrow(TypeError);
  });
});
