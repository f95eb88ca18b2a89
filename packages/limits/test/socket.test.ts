/**
 * timeout() and bodyLimit() over real sockets: serve() on 127.0.0.1, fetch (a streamed
 * upload with `duplex: 'half'`) and a raw `net` client (chunked framing and
 * `Expect: 100-continue` written by hand), every app under lint() above and below.
 */
import { compose, type Application, type ResponseHeaders } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import net from 'node:net';
import { bodyLimit, timeout, timeoutSignal } from '../src/index.js';

const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the slow app saw, for the test to check after its 504. */
const slowSeen = { aborted: false, reason: '', bodyClosed: false };

const routes: Record<string, Application> = {
  // Waits for up to 3 s, stopping early when the timeout's signal says so.
  '/slow': async (environ, startResponse) => {
    const signal = timeoutSignal(environ)!;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        slowSeen.aborted = true;
        slowSeen.reason = (signal.reason as DOMException).name;
        resolve();
      });
    });
    startResponse('200 OK', TEXT);
    return Object.assign([enc('too late')], { close: () => void (slowSeen.bodyClosed = true) });
  },
  // Starts at once, then streams for longer than the limit.
  '/stream': (_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return (async function* () {
      for (let i = 0; i < 4; i++) {
        await sleep(150);
        yield enc(`${i}`);
      }
    })();
  },
  // Reads the whole body, answers with its size.
  '/upload': async (environ, startResponse) => {
    let size = 0;
    for await (const chunk of environ['wsgi.input']) size += chunk.byteLength;
    startResponse('200 OK', TEXT);
    return [enc(`got ${size}`)];
  },
};
const inner: Application = (environ, startResponse) => routes[environ.PATH_INFO]!(environ, startResponse);

let served: Served;
beforeAll(async () => {
  const app = compose(timeout({ ms: 300 }), bodyLimit({ limit: 100_000 }))(lint(inner));
  served = await serve(lint(app), { port: 0, host: '127.0.0.1' });
});
afterAll(() => served.close());

/** Writes `request` (and then `rest`, if the server asks with 100 Continue) and reads to the end. */
function raw(request: string | Array<string | Uint8Array>, rest?: string): Promise<string> {
  const { hostname, port } = new URL(served.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      for (const part of typeof request === 'string' ? [request] : request) socket.write(part);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (rest !== undefined && text.startsWith('HTTP/1.1 100')) socket.write(rest);
    });
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(text) : reject(error)));
    socket.setTimeout(5000, () => socket.destroy(new Error(`no end in 5 s, got ${JSON.stringify(text.slice(0, 200))}`)));
  });
}

describe('timeout({ ms: 300 })', () => {
  test('a slow app: 504 at the limit, not after its 3 s; it was told through the signal and its late body closed', async () => {
    const t0 = performance.now();
    const response = await fetch(`${served.url}/slow`);
    const elapsed = performance.now() - t0;
    expect([response.status, await response.text()]).toEqual([504, 'the application did not start its response within 300 ms\n']);
    expect(elapsed).toBeLessThan(2500);
    for (let i = 0; i < 100 && !slowSeen.bodyClosed; i++) await sleep(10);
    expect(slowSeen).toEqual({ aborted: true, reason: 'TimeoutError', bodyClosed: true });
  });

  test('a stream that started in time runs to its end, past the limit', async () => {
    const response = await fetch(`${served.url}/stream`);
    expect([response.status, await response.text()]).toEqual([200, '0123']);
  });
});

describe('bodyLimit({ limit: 100000 })', () => {
  const streamOf = (chunks: number, size: number): ReadableStream<Uint8Array> =>
    new ReadableStream({
      pull(controller) {
        if (chunks-- === 0) controller.close();
        else controller.enqueue(new Uint8Array(size));
      },
    });

  test('fetch, a streamed upload (duplex: half) under the limit: read in full', async () => {
    const response = await fetch(`${served.url}/upload`, { method: 'POST', body: streamOf(6, 16_384), duplex: 'half' } as RequestInit);
    expect([response.status, await response.text()]).toEqual([200, 'got 98304']);
  });

  test('fetch, a streamed upload over the limit: 413 with its reason', async () => {
    const response = await fetch(`${served.url}/upload`, { method: 'POST', body: streamOf(8, 16_384), duplex: 'half' } as RequestInit).catch(
      (error: unknown) => error,
    );
    // The server may answer before it has read the rest and close the connection;
    // undici then reports either the 413 or, rarely, the upload cut short.
    if (response instanceof Response) {
      expect([response.status, await response.text()]).toEqual([413, 'request body is over the limit of 100000 bytes\n']);
    } else {
      expect(String((response as Error).cause ?? response)).toMatch(/other side closed|ECONNRESET|EPIPE|socket/i);
    }
  });

  test('raw chunked framing over the limit: 413', async () => {
    const chunk = 'x'.repeat(60_000);
    const text = await raw([
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      enc(`${chunk.length.toString(16)}\r\n${chunk}\r\n`),
      enc(`${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`),
    ]);
    expect(text).toMatch(/^HTTP\/1\.1 413 Content Too Large\r\n/);
    expect(text.endsWith('\r\n\r\nrequest body is over the limit of 100000 bytes\n')).toBe(true);
  });

  test('Content-Length over the limit with Expect: 100-continue: 413 at once, no 100 Continue, the body never asked for', async () => {
    const text = await raw(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
      'x'.repeat(200_000),
    );
    expect(text).toMatch(/^HTTP\/1\.1 413 Content Too Large\r\n/);
    expect(text).not.toContain('100 Continue');
    expect(text).toContain('request body of 200000 bytes is over the limit of 100000 bytes\n');
  });

  test('Content-Length under the limit with Expect: 100-continue: 100, then read in full', async () => {
    const text = await raw('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n', 'y'.repeat(5000));
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('got 5000')).toBe(true);
  });
});

describe('throwHttpErrors: true, under httpErrors() from @tsgi/errors', () => {
  let rendered: Served;
  beforeAll(async () => {
    const limited = compose(timeout({ ms: 200, throwHttpErrors: true }), bodyLimit({ limit: 10, throwHttpErrors: true }))(lint(inner));
    rendered = await serve(lint(httpErrors()(lint(limited))), { port: 0, host: '127.0.0.1', errors: { write: () => true } });
  });
  afterAll(() => rendered.close());

  test.each([
    ['the 504', '/slow', undefined, 504],
    ['the 413 of a declared length', '/upload', 'x'.repeat(11), 413],
  ])('a JSON client gets %s as JSON', async (_what, path, body, status) => {
    const response = await fetch(`${rendered.url}${path}`, { method: body === undefined ? 'GET' : 'POST', body, headers: { Accept: 'application/json' } });
    expect([response.status, response.headers.get('content-type')]).toEqual([status, 'application/json']);
    expect(await response.json()).toMatchObject({ status });
  });
});
