import { createServer } from 'node:http';
import request from 'supertest';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, toNodeListener } from '../src/index.js';
import { openSocket, sleep, startServer, waitFor } from './helpers.js';

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [Buffer.from('hello')];
};

test('serve() listens on 127.0.0.1 and reports the bound port in url', async () => {
  const served = await serve(lint(hello), { port: 0, errors: { write: () => undefined } });
  try {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(served.url);
    expect(await response.text()).toBe('hello');
  } finally {
    await served.close();
  }
});

test('close() stops accepting, lets idle keep-alive sockets go and waits for requests in flight', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', []);
    if (environ.PATH_INFO !== '/slow') return [Buffer.from('quick')];
    return (async function* () {
      yield Buffer.from('part one;');
      await gate;
      yield Buffer.from('part two');
    })();
  }));
  const idle = await openSocket(server.port);
  idle.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  await waitFor(() => idle.received().includes('quick'));
  const busy = await openSocket(server.port);
  busy.write('GET /slow HTTP/1.1\r\nHost: h\r\n\r\n');
  await waitFor(() => busy.received().includes('part one'));

  let closed = false;
  const closing = server.close().then(() => (closed = true));
  // The idle keep-alive connection is let go at once.
  expect(await waitFor(() => idle.readableEnded || idle.closed, 5000)).toBe(true);
  // New connections are refused.
  await expect(fetch(server.url)).rejects.toThrow();
  await sleep(100);
  expect(closed).toBe(false);
  release();
  await closing;
  expect(busy.received()).toContain('part two');
  expect(busy.received()).toMatch(/0\r\n\r\n$/);
  busy.destroy();
  idle.destroy();
});

test('close() cuts requests still running after shutdownTimeout', async () => {
  const server = await startServer(
    lint((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        yield Buffer.from('forever');
        await new Promise(() => undefined);
      })();
    }),
    { shutdownTimeout: 200 },
  );
  const socket = await openSocket(server.port);
  socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  await waitFor(() => socket.received().includes('forever'));
  const started = Date.now();
  await server.close();
  expect(Date.now() - started).toBeLessThan(1500);
  expect(await waitFor(() => socket.closed || socket.readableEnded)).toBe(true);
  socket.destroy();
});

test('a port in use rejects', async () => {
  const first = await startServer(lint(hello));
  try {
    await expect(serve(lint(hello), { port: first.port })).rejects.toThrow(/EADDRINUSE/);
  } finally {
    await first.close();
  }
});

test('bad options throw a TypeError naming the option', async () => {
  await expect(serve(lint(hello), { port: -1 })).rejects.toThrow(/port/);
  await expect(serve(lint(hello), { keepAliveTimeout: Number.NaN, port: 0 })).rejects.toThrow(/keepAliveTimeout/);
  await expect(serve(lint(hello), { urlScheme: 'ftp' as 'http', port: 0 })).rejects.toThrow(/urlScheme/);
  await expect(serve(lint(hello), { errors: {} as never, port: 0 })).rejects.toThrow(/errors/);
  // unlinted: the app itself is the bad option here; lint() would refuse it first.
  expect(() => toNodeListener('nope' as never)).toThrow(TypeError);
});

test('toNodeListener works with supertest and a plain node:http server', async () => {
  const response = await request(toNodeListener(lint(hello))).get('/').expect(200);
  expect(response.text).toBe('hello');

  const server = createServer(toNodeListener(lint(hello)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
