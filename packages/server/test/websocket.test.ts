/**
 * WebSocket on serve(): real sockets on 127.0.0.1, the `ws` package as the client (and
 * raw `net` for handshakes a client library would not send). The handshake runs
 * through basicAuth, accessLog and the router under lint; the connection is ws's.
 */
import { compose, type Application, type WebSocketHandlers } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { lint } from '@tsgi/lint';
import { accessLog } from '@tsgi/logger';
import { router } from '@tsgi/router';
import WebSocket from 'ws';
import { headOf, openSocket, rawRequest, startServer, waitFor, type TestServer } from './helpers.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const encoder = new TextEncoder();

/** Accepts every offer with `handlers`; answers 426 to a plain request. */
function socketApp(handlers: WebSocketHandlers): Application {
  return (environ, startResponse) => {
    const offer = environ['tsgi.websocket'];
    if (offer === undefined) {
      startResponse('426 Upgrade Required', [['Content-Type', 'text/plain']]);
      return [encoder.encode('WebSocket only\n')];
    }
    offer.accept(handlers, { protocol: offer.protocols[0] });
    startResponse('101 Switching Protocols', [['X-App', 'on the 101']]);
    return [];
  };
}

const echo: WebSocketHandlers = {
  message: (ws, data) => void ws.send(data),
};

/** Resolves with the socket once open, or rejects with the refusal's status. */
function open(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], options);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<string | Buffer> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, binary: boolean) => resolve(binary ? data : data.toString())));
}

function closed(ws: WebSocket): Promise<[number, string]> {
  return new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])));
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('through basicAuth, accessLog and the router', () => {
  const lines: string[] = [];
  const closes: unknown[] = [];
  const stack = (): Application =>
    compose(
      accessLog({ format: 'json', stream: { write: (line: string) => void lines.push(line) }, flushInterval: 0 }),
      basicAuth({ realm: 'ws', users: { alice: 'pw' } }),
      lint,
    )(router().get('/echo', socketApp({ ...echo, close: (_ws, code) => void closes.push(code) })));
  const auth = { Authorization: 'Basic ' + Buffer.from('alice:pw').toString('base64') };

  test('text and binary messages echo; the 101 carries the middleware headers; the log has one 101 line at close', async () => {
    server = await startServer(lint(stack()));
    const url = server.url.replace('http', 'ws') + '/echo';
    const ws = new WebSocket(url, ['chat'], { headers: auth });
    const upgrade = new Promise<Record<string, unknown>>((resolve) => ws.once('upgrade', (res) => resolve(res.headers)));
    await new Promise((resolve) => ws.once('open', resolve));
    const headers = await upgrade;
    expect(ws.protocol).toBe('chat');
    expect(headers['x-app']).toBe('on the 101');
    expect(headers['x-request-id']).toBeDefined();
    ws.send('hello');
    expect(await nextMessage(ws)).toBe('hello');
    ws.send(Buffer.from([1, 2, 3]));
    expect(await nextMessage(ws)).toEqual(Buffer.from([1, 2, 3]));
    const done = closed(ws);
    ws.close(4001, 'bye');
    expect(await done).toEqual([4001, 'bye']);
    expect(await waitFor(() => lines.length === 1 && closes.length === 1)).toBe(true);
    expect(closes).toEqual([4001]);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ status: 101, user: 'alice', path: '/echo', websocket: { code: 4001, received: 8 } });
    expect(line.bytes).toBe(8);
    expect(line.duration).toBeGreaterThan(0);
  });

  test('without credentials the handshake is refused with 401 by basicAuth, logged as a normal request', async () => {
    lines.length = 0;
    closes.length = 0;
    server = await startServer(lint(stack()));
    await expect(open(server.url.replace('http', 'ws') + '/echo')).rejects.toMatchObject({ status: 401 });
    expect(await waitFor(() => lines.length === 1)).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 401 });
  });
});

describe('bad handshakes get an answer, never a hang', () => {
  const request = (lines: string[]): string => [...lines, '', ''].join('\r\n');
  const handshake = ['Host: x', 'Upgrade: websocket', 'Connection: Upgrade'];

  beforeEach(async () => {
    server = await startServer(lint(socketApp(echo)));
  });

  test('another version: 426 naming version 13', async () => {
    const result = await rawRequest(server!.port, request(['GET / HTTP/1.1', ...handshake, `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 8']));
    const { statusLine, headers } = headOf(result.text);
    expect(statusLine).toBe('HTTP/1.1 426 Upgrade Required');
    expect(headers['sec-websocket-version']).toBe('13');
    expect(result.closed).toBe(true);
  });

  test('no key: 400', async () => {
    const result = await rawRequest(server!.port, request(['GET / HTTP/1.1', ...handshake, 'Sec-WebSocket-Version: 13']));
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(result.closed).toBe(true);
  });

  test('a POST with Upgrade (and a body) is an ordinary request: no offer', async () => {
    const seen: unknown[] = [];
    await server!.close();
    server = await startServer(
      lint(async (environ, startResponse) => {
        const body = await environ['wsgi.input'].read();
        seen.push([environ['tsgi.websocket'], Buffer.from(body).toString()]);
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [encoder.encode('plain\n')];
      }),
    );
    const result = await rawRequest(server.port, request(['POST / HTTP/1.1', ...handshake, `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13', 'Content-Length: 5']) + 'hello');
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 200 OK');
    expect(result.text.endsWith('plain\n')).toBe(true);
    expect(result.closed).toBe(true);
    expect(seen).toEqual([[undefined, 'hello']]);
  });

  test('Upgrade over HTTP/1.0 is an ordinary request: the app answers 426 itself', async () => {
    const result = await rawRequest(server!.port, request(['GET / HTTP/1.0', ...handshake, `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13']));
    expect(headOf(result.text).statusLine).toBe('HTTP/1.1 426 Upgrade Required');
    expect(result.closed).toBe(true);
  });

  test('an Origin off the allow-list: 403', async () => {
    await server!.close();
    server = await startServer(lint(socketApp(echo)), { websocket: { origins: ['https://app.example'] } });
    const url = server.url.replace('http', 'ws');
    await expect(open(url, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
    (await open(url, { origin: 'https://app.example' })).terminate();
  });
});

test('a message over maxPayload closes with 1009', async () => {
  const errors: unknown[] = [];
  server = await startServer(lint(socketApp({ ...echo, error: (_ws, error) => void errors.push(error) })), { websocket: { maxPayload: 1024 } });
  const ws = await open(server.url.replace('http', 'ws'));
  const done = closed(ws);
  ws.send(Buffer.alloc(1025));
  expect((await done)[0]).toBe(1009);
  expect(errors).toHaveLength(1);
});

test('decode: false: text arrives as its bytes and goes back as a text frame with { binary }; invalid UTF-8 still closes with 1007', async () => {
  const seen: Array<[boolean, boolean]> = [];
  const bytesEcho: Application = (environ, startResponse) => {
    environ['tsgi.websocket']!.accept(
      {
        message: (ws, data, binary) => {
          seen.push([data instanceof Uint8Array, binary]);
          void ws.send(data, { binary });
        },
      },
      { decode: false },
    );
    startResponse('101 Switching Protocols', []);
    return [];
  };
  server = await startServer(lint(bytesEcho));
  const ws = await open(server.url.replace('http', 'ws'));
  const frames: Array<[string, boolean]> = [];
  ws.on('message', (data: Buffer, binary: boolean) => void frames.push([data.toString('hex'), binary]));
  ws.send('héllo');
  ws.send(Buffer.from([0xff, 0]));
  expect(await waitFor(() => frames.length === 2)).toBe(true);
  expect(frames).toEqual([
    [Buffer.from('héllo').toString('hex'), false],
    ['ff00', true],
  ]);
  expect(seen).toEqual([
    [true, false],
    [true, true],
  ]);
  const done = closed(ws);
  // A text frame that is not UTF-8 never reaches the app, bytes or not (RFC 6455 8.1).
  (ws as unknown as { _sender: { sendFrame(list: Buffer[], cb?: () => void): void } })._sender.sendFrame([Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28])]);
  expect((await done)[0]).toBe(1007);
  expect(seen).toHaveLength(2);
});

test('a client that stops reading is dropped once maxBufferedAmount is queued, not buffered without end', async () => {
  let sentBytes = 0;
  const ends: number[] = [];
  const flood: WebSocketHandlers = {
    open: async (ws) => {
      const chunk = new Uint8Array(64 * 1024);
      // Unawaited sends: the app does not wait, so only the gateway's limit stops it.
      while (ws.readyState === 1 && sentBytes < 256 * 1024 * 1024) {
        void ws.send(chunk);
        sentBytes += chunk.byteLength;
        if (sentBytes % (1024 * 1024) === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close: (_ws, code) => void ends.push(code),
  };
  server = await startServer(lint(socketApp(flood)), { websocket: { maxBufferedAmount: 2 * 1024 * 1024 } });
  const ws = await open(server.url.replace('http', 'ws'));
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  expect(await waitFor(() => ends.length === 1, 10_000)).toBe(true);
  expect(ends).toEqual([1006]);
  expect(sentBytes).toBeLessThan(64 * 1024 * 1024);
  expect(server.log.join('')).toContain('maxBufferedAmount');
  ws.terminate();
});

test('a peer that never answers pings is dropped after two intervals', async () => {
  const ends: number[] = [];
  server = await startServer(lint(socketApp({ close: (_ws, code) => void ends.push(code) })), { websocket: { pingInterval: 100 } });
  const socket = await openSocket(server.port);
  socket.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  expect(await waitFor(() => socket.received().startsWith('HTTP/1.1 101'))).toBe(true);
  expect(await waitFor(() => socket.destroyed || socket.readableEnded || ends.length > 0, 3000)).toBe(true);
  expect(await waitFor(() => ends.length === 1)).toBe(true);
  expect(ends).toEqual([1006]);
  socket.destroy();
});

test('a ws client that answers pings stays connected', async () => {
  server = await startServer(lint(socketApp(echo)), { websocket: { pingInterval: 50 } });
  const ws = await open(server.url.replace('http', 'ws'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  ws.send('still here');
  expect(await nextMessage(ws)).toBe('still here');
  ws.close();
});

test('close() keeps sockets through the drain timeout, then closes them with 1001', async () => {
  server = await startServer(lint(socketApp(echo)), { shutdownTimeout: 300 });
  const ws = await open(server.url.replace('http', 'ws'));
  const done = closed(ws);
  const started = Date.now();
  const closing = server.close();
  server = undefined;
  expect(await done).toEqual([1001, 'server going away']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  await closing;
});

test('websocket: false serves upgrade requests as ordinary requests', async () => {
  server = await startServer(lint(socketApp(echo)), { websocket: false });
  await expect(open(server.url.replace('http', 'ws'))).rejects.toMatchObject({ status: 426 });
});

test('bad websocket options throw a TypeError naming the option', async () => {
  await expect(startServer(lint(socketApp(echo)), { websocket: { maxPayload: -1 } })).rejects.toThrow(/websocket\.maxPayload/);
});
