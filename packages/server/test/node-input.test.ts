import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { toNodeListener } from '../src/index.js';
import { bodyOf, headOf, openSocket, rawRequest, sleep, startServer, waitFor } from './helpers.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

test('read(size) returns exactly size bytes until the end, then empty', async () => {
  const server = await startServer(lint(async (environ, startResponse) => {
    const input = environ['wsgi.input'];
    const parts = [await input.read(3), await input.read(4), await input.read(100), await input.read(5)];
    startResponse('200 OK', []);
    return [json(parts.map((part) => Buffer.from(part).toString()))];
  }));
  try {
    // The body arrives in two packets, so read(4) has to join them.
    const socket = await openSocket(server.port);
    socket.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabcde');
    await sleep(50);
    socket.write('fghij');
    await waitFor(() => socket.closed || socket.received().includes(']'));
    expect(JSON.parse(bodyOf(socket.received()))).toEqual(['abc', 'defg', 'hij', '']);
    socket.destroy();
  } finally {
    await server.close();
  }
});

test('readline(size), readlines(hint) and iteration', async () => {
  const server = await startServer(lint(async (environ, startResponse) => {
    const input = environ['wsgi.input'];
    const first = await input.readline();
    const capped = await input.readline(2);
    const rest = await input.readline();
    const lines = await input.readlines(1);
    const remaining: string[] = [];
    for await (const chunk of input) remaining.push(Buffer.from(chunk).toString());
    startResponse('200 OK', []);
    return [json({ first: `${first}`, capped: `${capped}`, rest: `${rest}`, lines: lines.map(String), remaining: remaining.join('') })];
  }));
  try {
    const response = await fetch(server.url, { method: 'POST', body: 'one\ntwo-long\nthree\nfour\nfive' });
    expect(await response.json()).toEqual({ first: 'one\n', capped: 'tw', rest: 'o-long\n', lines: ['three\n'], remaining: 'four\nfive' });
  } finally {
    await server.close();
  }
});

test('a chunked body is read to its end; input never reads past CONTENT_LENGTH', async () => {
  const server = await startServer(lint(async (environ, startResponse) => {
    const all = await environ['wsgi.input'].read();
    startResponse('200 OK', []);
    return [Buffer.from(`${environ.REQUEST_METHOD}:${environ.CONTENT_LENGTH ?? '-'}:${Buffer.from(all).toString()}|`)];
  }));
  try {
    const chunked = await rawRequest(
      server.port,
      'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n',
    );
    expect(bodyOf(chunked.text)).toBe('POST:-:abcdefg|');
    // Two pipelined requests: the first body must end at its Content-Length.
    const pipelined = await rawRequest(
      server.port,
      'PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    expect(pipelined.text).toContain('PUT:5:hello|');
    expect(pipelined.text).toContain('GET:-:|');
  } finally {
    await server.close();
  }
});

test('Expect: 100-continue: "100 Continue" goes out when the app first reads, not before', async () => {
  let reading = false;
  const server = await startServer(lint(async (environ, startResponse) => {
    await sleep(150);
    reading = true;
    const body = await environ['wsgi.input'].read();
    startResponse('200 OK', []);
    return [Buffer.from(`got ${Buffer.from(body).toString()}`)];
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write('POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n');
    await sleep(80);
    expect(socket.received()).toBe('');
    expect(await waitFor(() => socket.received().length > 0)).toBe(true);
    expect(reading).toBe(true);
    expect(socket.received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    socket.write('data');
    await waitFor(() => socket.received().includes('got data'));
    expect(socket.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    socket.destroy();
  } finally {
    await server.close();
  }
});

test('Expect: 100-continue on a chunked body: the request is not held, 100 goes out on the first read', async () => {
  let called = false;
  const server = await startServer(lint(async (environ, startResponse) => {
    called = true;
    const body = await environ['wsgi.input'].read();
    startResponse('200 OK', []);
    return [Buffer.from(`got ${Buffer.from(body).toString()}`)];
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write('POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
    // The client sends nothing more until it sees 100 Continue: the app must be called first.
    expect(await waitFor(() => socket.received().includes('100 Continue'))).toBe(true);
    expect(called).toBe(true);
    socket.write('4\r\ndata\r\n0\r\n\r\n');
    await waitFor(() => socket.received().includes('got data'));
    expect(socket.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*got data$/);
    socket.destroy();
  } finally {
    await server.close();
  }
});

test('Expect: 100-continue and an app that never reads: no 100, a final answer, the connection closes', async () => {
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('413 Content Too Large', [['Content-Length', '0']]);
    return [];
  }));
  try {
    const result = await rawRequest(server.port, 'PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n');
    expect(result.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.text).not.toContain('100 Continue');
    expect(result.closed).toBe(true);
  } finally {
    await server.close();
  }
});

test('a small unread request body is drained and the connection kept; a big one closes it', async () => {
  const app: Application = (environ, startResponse) => {
    startResponse('200 OK', []);
    return [Buffer.from(`seen ${environ.REQUEST_METHOD} ${environ.PATH_INFO};`)];
  };
  const server = await startServer(lint(app));
  try {
    const small = await rawRequest(
      server.port,
      `POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(1000)}GET /b HTTP/1.1\r\nHost: h\r\n\r\n`,
    );
    expect(small.text).toContain('seen POST /a;');
    expect(small.text).toContain('seen GET /b;');
    expect(small.closed).toBe(false);

    const socket = await openSocket(server.port);
    socket.write(`POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n${'x'.repeat(1000)}`);
    await waitFor(() => socket.closed || socket.received().includes('seen'));
    expect(headOf(socket.received()).headers.connection).toBe('close');
    expect(await waitFor(() => socket.closed || socket.readableEnded)).toBe(true);
    socket.destroy();
  } finally {
    await server.close();
  }
});

test('a client that leaves mid-upload makes read() reject', async () => {
  let failure: unknown;
  const server = await startServer(lint(async (environ, startResponse) => {
    try {
      await environ['wsgi.input'].read();
    } catch (error) {
      failure = error;
    }
    startResponse('200 OK', []);
    return [];
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial');
    await sleep(50);
    socket.destroy();
    expect(await waitFor(() => failure !== undefined)).toBe(true);
    // node's own 'aborted' error comes from another realm than jest's Error.
    expect(String((failure as Error).message)).toMatch(/abort|closed/i);
  } finally {
    await server.close();
  }
});

test('a body that came in the packet of its head is read without waiting for "readable"', async () => {
  // The app is called from node's 'request' event, while node's parser is still in the
  // packet, before it has handed over the body behind the head. A first read that
  // looked at once found nothing and waited for 'readable' (three listeners, an event
  // and a wake-up per request); it now looks once the packet is parsed.
  const waits: string[] = [];
  const listener = toNodeListener(lint(async (environ, startResponse) => {
    const body = await environ['wsgi.input'].read();
    startResponse('200 OK', [['Content-Length', String(body.byteLength)]]);
    return [body];
  }));
  const server = createServer((req, res) => {
    const on = req.on.bind(req) as (event: string | symbol, fn: (...args: never[]) => void) => IncomingMessage;
    req.on = ((event: string | symbol, fn: (...args: never[]) => void) => {
      if (event === 'readable') waits.push(String(req.url));
      return on(event, fn);
    }) as typeof req.on;
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const whole = await rawRequest(port, 'POST /whole HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(bodyOf(whole.text)).toBe('hello');
    // A body that comes later still waits for it, as before.
    const socket = await openSocket(port);
    socket.write('POST /later HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\n');
    await sleep(50);
    socket.write('world');
    await waitFor(() => socket.closed || socket.received().includes('world'));
    expect(bodyOf(socket.received())).toBe('world');
    socket.destroy();
    expect(waits).toEqual(['/later']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
