/**
 * close() exactly once on every path, the client going away, errors before and after
 * the headers, and backpressure towards a client that does not read.
 */
import type { Body } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { bodyOf, headOf, openSocket, rawRequest, sleep, startServer, text, waitFor } from './helpers.js';

/** A body that counts its close() calls, how far it was iterated, and whether its finally ran. */
function tracked(chunks: number, options: { throwAt?: number; delayMs?: number; chunk?: Uint8Array } = {}) {
  const state = { closeCalls: 0, pulled: 0, finallyRan: false, started: false };
  const chunk = options.chunk ?? text('chunk;');
  const body: Body = {
    async *[Symbol.asyncIterator]() {
      state.started = true;
      try {
        for (let i = 0; i < chunks; i++) {
          if (i === options.throwAt) throw new Error(`failed at chunk ${i}`);
          if (options.delayMs) await sleep(options.delayMs);
          state.pulled++;
          yield chunk;
        }
      } finally {
        state.finallyRan = true;
      }
    },
    close() {
      state.closeCalls++;
    },
  };
  return { body, state };
}

test('close() is called once after a completed response', async () => {
  const { body, state } = tracked(3);
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', []);
    return body;
  }));
  try {
    const response = await fetch(server.url);
    expect(await response.text()).toBe('chunk;chunk;chunk;');
    expect(await waitFor(() => state.closeCalls > 0)).toBe(true);
    await sleep(20);
    expect(state).toMatchObject({ closeCalls: 1, finallyRan: true });
  } finally {
    await server.close();
  }
});

test('close() is called once for an array body', async () => {
  let closeCalls = 0;
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', []);
    return Object.assign([text('a')], { close: () => void closeCalls++ });
  }));
  try {
    await (await fetch(server.url)).text();
    await sleep(20);
    expect(closeCalls).toBe(1);
  } finally {
    await server.close();
  }
});

test('HEAD sends headers only: the body is closed once and never iterated', async () => {
  const { body, state } = tracked(3);
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return body;
  }));
  try {
    const result = await rawRequest(server.port, 'HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
    expect(bodyOf(result.text)).toBe('');
    await sleep(20);
    expect(state).toMatchObject({ closeCalls: 1, started: false, pulled: 0 });
  } finally {
    await server.close();
  }
});

test('an error before the headers: 500 with a small text body, logged, close() once, server keeps serving', async () => {
  const { body, state } = tracked(3, { throwAt: 0 });
  const server = await startServer(lint((environ, startResponse) => {
    if (environ.PATH_INFO === '/sync-throw') throw new Error('thrown by the app');
    if (environ.PATH_INFO === '/reject') return Promise.reject(new Error('rejected by the app'));
    startResponse('200 OK', []);
    return body;
  }));
  try {
    for (const path of ['/iter', '/sync-throw', '/reject']) {
      const response = await fetch(server.url + path);
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal Server Error\n');
    }
    expect(state.closeCalls).toBe(1);
    const log = server.log.join('');
    expect(log).toContain('failed at chunk 0');
    expect(log).toContain('thrown by the app');
    expect(log).toContain('rejected by the app');
    expect(log).toContain('GET /sync-throw');
  } finally {
    await server.close();
  }
});

test('an error mid-stream cuts the connection (no second status line); a new connection still works', async () => {
  const failing = tracked(5, { throwAt: 2 });
  const server = await startServer(lint((environ, startResponse) => {
    startResponse('200 OK', []);
    return environ.PATH_INFO === '/fail' ? failing.body : [text('fine')];
  }));
  try {
    const result = await rawRequest(server.port, 'GET /fail HTTP/1.1\r\nHost: h\r\n\r\n', 1000);
    expect(result.closed).toBe(true);
    expect(result.text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(result.text.match(/chunk;/g)).toHaveLength(2);
    // The chunked body never got its last-chunk: the client can tell it was cut.
    expect(result.text.endsWith('0\r\n\r\n')).toBe(false);
    expect(failing.state.closeCalls).toBe(1);
    expect(server.log.join('')).toContain('failed at chunk 2');
    const next = await fetch(server.url + '/ok');
    expect(await next.text()).toBe('fine');
  } finally {
    await server.close();
  }
});

test('the client going away stops the iteration (finally runs) and calls close() once', async () => {
  const { body, state } = tracked(1_000_000, { delayMs: 5 });
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', []);
    return body;
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await waitFor(() => socket.received().includes('chunk;'));
    socket.destroy();
    expect(await waitFor(() => state.finallyRan && state.closeCalls > 0)).toBe(true);
    const pulledAtClose = state.pulled;
    await sleep(60);
    expect(state.closeCalls).toBe(1);
    expect(state.pulled).toBe(pulledAtClose);
  } finally {
    await server.close();
  }
});

test('a client that leaves while the app is between chunks: return() and close() right away', async () => {
  const { body, state } = tracked(1_000_000, { delayMs: 400 });
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', []);
    return body;
  }));
  try {
    const socket = await openSocket(server.port);
    socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await waitFor(() => socket.received().includes('chunk;'));
    socket.destroy();
    expect(await waitFor(() => state.closeCalls === 1, 300)).toBe(true);
    expect(await waitFor(() => state.finallyRan, 1000)).toBe(true);
    expect(state.closeCalls).toBe(1);
  } finally {
    await server.close();
  }
});

test('backpressure: a client that does not read stops the generator near the socket buffers', async () => {
  const chunk = new Uint8Array(64 * 1024);
  let pulled = 0;
  let finallyRan = false;
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', []);
    return (function* () {
      try {
        for (;;) {
          pulled++;
          yield chunk;
        }
      } finally {
        finallyRan = true;
      }
    })();
  }));
  try {
    const socket = await openSocket(server.port);
    socket.pause(); // never read: the kernel buffers fill, then node's, then the gateway must wait
    socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    await sleep(300);
    const first = pulled;
    await sleep(300);
    expect(pulled).toBe(first); // stalled, not spinning
    // Loopback socket buffers hold a few MB at most; an unbounded gateway would be far past this.
    expect(first * chunk.byteLength).toBeLessThan(64 * 1024 * 1024);
    expect(first).toBeGreaterThan(0);
    socket.destroy();
    expect(await waitFor(() => finallyRan)).toBe(true);
  } finally {
    await server.close();
  }
});

test('a sync generator is walked without a tick per chunk while the socket has room', async () => {
  let ticks = 0;
  let counting = true;
  const tick = (): void => {
    ticks++;
    if (counting) setImmediate(tick);
  };
  const server = await startServer(lint((_environ, startResponse) => {
    startResponse('200 OK', []);
    return (function* () {
      setImmediate(tick);
      for (let i = 0; i < 200; i++) yield text('x');
    })();
  }));
  try {
    const response = await fetch(server.url);
    expect(await response.text()).toBe('x'.repeat(200));
    counting = false;
    // 200 small chunks never fill the socket, so the loop never yields to the event loop.
    expect(ticks).toBeLessThan(5);
  } finally {
    await server.close();
  }
});

test('middleware that replaces wsgi.input or REQUEST_METHOD does not confuse the gateway', async () => {
  const server = await startServer(lint((environ, startResponse) => {
    // As a method-override or a validating middleware would do.
    environ.REQUEST_METHOD = environ.REQUEST_METHOD === 'HEAD' ? 'GET' : 'PUT';
    environ['wsgi.input'] = { ...environ['wsgi.input'] };
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [text('body')];
  }));
  try {
    const result = await rawRequest(
      server.port,
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcHEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    expect(result.text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    // The HEAD answer has no body even though the app saw GET.
    expect(result.text.match(/body/g)).toHaveLength(1);
    expect(server.log).toEqual([]);
  } finally {
    await server.close();
  }
});
