/**
 * Limits over raw sockets: slowloris gets 408, bodies over the limit get 413 (before
 * the app for a Content-Length, as soon as a chunked body passes it), field and count
 * limits get 431/414, and every refusal closes the connection and reaches onReject.
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { resolveLimits, type RejectInfo } from '../src/index.js';
import { headOf, openSocket, rawRequest, sleep, startServer, waitFor } from './helpers.js';

const reached: string[] = [];
const closes: number[] = [];
/** Reads the whole body, answers its length. */
const app: Application = async (environ, startResponse) => {
  reached.push(environ.PATH_INFO);
  let total = 0;
  try {
    for await (const chunk of environ['wsgi.input']) total += chunk.byteLength;
  } catch (error) {
    reached.push(`read failed: ${(error as { status?: number }).status}`);
    throw error;
  }
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return Object.assign([Buffer.from(`read ${total}\n`)], { close: () => void closes.push(1) });
};

beforeEach(() => {
  reached.length = 0;
  closes.length = 0;
});

test('resolveLimits: gunicorn defaults, and a bad option names itself', () => {
  expect(resolveLimits()).toEqual({
    maxRequestLine: 4094,
    maxHeaders: 100,
    maxHeaderFieldBytes: 8190,
    maxBodyBytes: Infinity,
    headerMap: 'drop',
    bufferChunked: true,
  });
  expect(() => resolveLimits({ maxHeaders: 0 })).toThrow(/limits\.maxHeaders/);
  expect(() => resolveLimits({ maxBodyBytes: -1 })).toThrow(/limits\.maxBodyBytes/);
  expect(() => resolveLimits({ headerMap: 'keep' as 'drop' })).toThrow(/limits\.headerMap/);
});

test('slowloris: headers that never finish get 408 with Connection: close', async () => {
  const rejects: RejectInfo[] = [];
  const server = await startServer(lint(app), { headersTimeout: 400, requestTimeout: 1000, onReject: (info) => rejects.push(info) });
  try {
    const socket = await openSocket(server.port);
    socket.write('GET /slow HTTP/1.1\r\nHost: h\r\n');
    const started = Date.now();
    // A header line every 100 ms keeps the socket busy but never completes the head.
    const drip = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 100);
    const closed = await waitFor(() => socket.destroyed || socket.readableEnded, 3000);
    clearInterval(drip);
    expect(closed).toBe(true);
    const { statusLine, headers } = headOf(socket.received());
    expect(statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(headers.connection).toBe('close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(reached).toEqual([]);
    expect(rejects.map((r) => [r.status, r.reason])).toEqual([[408, 'request timeout']]);
    socket.destroy();
  } finally {
    await server.close();
  }
});

describe('body size limit', () => {
  const rejects: RejectInfo[] = [];
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer(lint(app), { limits: { maxBodyBytes: 100 }, onReject: (info) => rejects.push(info) });
  });
  afterAll(() => server.close());

  test('a Content-Length over the limit: 413 before the app, without reading the body', async () => {
    const socket = await openSocket(server.port);
    // Only the head is sent: the answer must not wait for the 1 MB it announces.
    socket.write('POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n');
    expect(await waitFor(() => socket.received().includes('\r\n\r\n'), 2000)).toBe(true);
    const { statusLine, headers } = headOf(socket.received());
    expect(statusLine).toBe('HTTP/1.1 413 Content Too Large');
    expect(headers.connection).toBe('close');
    expect(reached).toEqual([]);
    expect(rejects.at(-1)).toMatchObject({ status: 413, method: 'POST', url: '/big' });
    socket.destroy();
  });

  test('at the limit is fine, and the connection stays open', async () => {
    const body = 'x'.repeat(100);
    const result = await rawRequest(server.port, `POST /ok HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n${body}`);
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
    expect(result.text.endsWith('read 100\n')).toBe(true);
    expect(result.closed).toBe(false);
  });

  test('a small chunked body over the limit: 413 before the app (it was buffered whole)', async () => {
    const chunk = 'y'.repeat(60);
    const result = await rawRequest(
      server.port,
      `POST /chunked-small HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n${chunk}\r\n3c\r\n${chunk}\r\n0\r\n\r\n`,
    );
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 413 Content Too Large');
    expect(result.closed).toBe(true);
    expect(reached).toEqual([]);
  });

  test('a streaming chunked body: 413 as soon as it passes the limit, the app never sees the rest', async () => {
    const socket = await openSocket(server.port);
    socket.write('POST /chunked-stream HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n');
    // 80 bytes: under the limit, body not complete -> after the buffer window the app runs.
    // A buffer's worth is 16 KiB, so send the first part and let it wait in the gate...
    socket.write(`50\r\n${'a'.repeat(80)}\r\n`);
    await sleep(50);
    expect(reached).toEqual([]); // held: neither complete nor a buffer's worth yet
    // ...then 16 KiB more, which both fills the buffer and passes the limit.
    const big = 'b'.repeat(16 * 1024);
    socket.write(`${(16 * 1024).toString(16)}\r\n${big}\r\n`);
    expect(await waitFor(() => socket.received().includes('\r\n\r\n'), 2000)).toBe(true);
    const { statusLine, headers } = headOf(socket.received());
    expect(statusLine).toBe('HTTP/1.1 413 Content Too Large');
    expect(headers.connection).toBe('close');
    expect(reached).toEqual(['/chunked-stream', 'read failed: 413']);
    expect(await waitFor(() => closes.length === 0 && (socket.destroyed || socket.readableEnded), 2000)).toBe(true);
    socket.destroy();
  });
});

describe('header limits', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer(lint(app), { limits: { maxHeaders: 3, maxHeaderFieldBytes: 64, maxRequestLine: 60 } });
  });
  afterAll(() => server.close());

  const cases: Array<[string, string, string]> = [
    ['too many fields', 'GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n', '431'],
    ['a long field', `GET / HTTP/1.1\r\nHost: h\r\nA: ${'v'.repeat(60)}\r\n\r\n`, '431'],
    ['a long request line', `GET /${'p'.repeat(60)} HTTP/1.1\r\nHost: h\r\n\r\n`, '414'],
    ['HTTP/2.0 as text', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', '400'],
    ['* on GET', 'GET * HTTP/1.1\r\nHost: h\r\n\r\n', '400'],
    ['Transfer-Encoding on HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', '400'],
    ['two Hosts', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', '400'],
    ['no Host on 1.1', 'GET / HTTP/1.1\r\n\r\n', '400'],
    ['a forbidden trailer', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nHost: evil\r\n\r\n', '400'],
  ];
  test.each(cases)('%s -> %s, Connection: close, app not called', async (_name, request, status) => {
    const result = await rawRequest(server.port, request);
    const { statusLine, headers } = headOf(result.text);
    expect(statusLine.slice(9, 12)).toBe(status);
    expect(headers.connection).toBe('close');
    expect(result.closed).toBe(true);
    expect(reached).toEqual([]);
  });

  test('within every limit the request reaches the app', async () => {
    const result = await rawRequest(server.port, 'GET /fine HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n');
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
    expect(reached).toEqual(['/fine']);
  });
});
