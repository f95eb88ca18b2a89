import type { Application, WebSocketHandlers } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { testClient, WebSocketRefused } from './index.js';

/** Echoes text and bytes; closes with 4000 on 'bye'; remembers how each connection ended. */
function echo(log: unknown[] = []): Application {
  return (environ, startResponse) => {
    const offer = environ['tsgi.websocket'];
    if (offer === undefined) {
      startResponse('426 Upgrade Required', [['Content-Type', 'text/plain']]);
      return [new TextEncoder().encode('WebSocket only\n')];
    }
    const handlers: WebSocketHandlers = {
      open: (ws) => void ws.send(`hello ${ws.protocol || 'nobody'}`),
      message: (ws, data) => (data === 'bye' ? ws.close(4000, 'asked') : void ws.send(data)),
      close: (_ws, code, reason) => void log.push([code, reason]),
    };
    offer.accept(handlers, { protocol: offer.protocols.includes('chat') ? 'chat' : undefined });
    startResponse('101 Switching Protocols', [['X-Hello', 'yes']]);
    return [];
  };
}

test('text and bytes echo through an in-memory pair; the server closes with its code', async () => {
  const log: unknown[] = [];
  const ws = await testClient(echo(log)).websocket('/', { protocols: ['chat', 'other'] });
  expect(ws.protocol).toBe('chat');
  expect(ws.header('x-hello')).toBe('yes');
  expect(await ws.next()).toBe('hello chat');
  ws.send('text');
  ws.send(new Uint8Array([0, 255]));
  expect(await ws.next()).toBe('text');
  expect(await ws.next()).toEqual(new Uint8Array([0, 255]));
  ws.send('bye');
  expect(await ws.closed).toEqual({ code: 4000, reason: 'asked' });
  expect(log).toEqual([[4000, 'asked']]);
});

test("the client's close reaches the app's close handler", async () => {
  const log: unknown[] = [];
  const ws = await testClient(echo(log)).websocket('/');
  ws.close(1000, 'done');
  expect(await ws.closed).toEqual({ code: 1000, reason: 'done' });
  expect(log).toEqual([[1000, 'done']]);
});

test('a refusal from the stack (basicAuth) rejects with its status, and the app never accepts', async () => {
  const log: unknown[] = [];
  const app = basicAuth({ realm: 'chat', users: { alice: 'pw' } })(echo(log));
  const refused = await testClient(app).websocket('/').catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(WebSocketRefused);
  expect((refused as WebSocketRefused).status).toBe(401);
  const ws = await testClient(app).websocket('/', { headers: { Authorization: 'Basic ' + btoa('alice:pw') } });
  expect(await ws.next()).toBe('hello nobody');
});

test('bad handshakes are refused by the gateway rules: 426 for another version, 400 without key, 403 off the allow-list', async () => {
  const client = testClient(echo(), { websocket: { origins: ['https://ok.example'] } });
  await expect(client.websocket('/', { headers: { 'Sec-WebSocket-Version': '8' } })).rejects.toMatchObject({ status: 426 });
  const refused = await client.websocket('/', { headers: { 'Sec-WebSocket-Version': '8' } }).catch((error: WebSocketRefused) => error);
  expect(refused.header('sec-websocket-version')).toBe('13');
  await expect(client.websocket('/', { headers: { 'Sec-WebSocket-Key': '' } })).rejects.toMatchObject({ status: 400 });
  await expect(client.websocket('/', { headers: { Origin: 'https://evil.example' } })).rejects.toMatchObject({ status: 403 });
  await expect(client.websocket('/', { headers: { Origin: 'https://ok.example' } })).resolves.toBeDefined();
});

test('an app that ignores the offer answers as it would any request', async () => {
  const plain: Application = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [new TextEncoder().encode('just http\n')];
  };
  await expect(testClient(plain).websocket('/')).rejects.toMatchObject({ status: 200, text: 'just http\n' });
});

test('a message over maxPayload closes with 1009', async () => {
  const ws = await testClient(echo(), { websocket: { maxPayload: 8 } }).websocket('/');
  await ws.next();
  ws.send('123456789');
  expect(await ws.closed).toEqual({ code: 1009, reason: 'message too big' });
});

test('a handler that throws closes with 1011 and the error reaches the error handler', async () => {
  const errors: unknown[] = [];
  const app: Application = (environ, startResponse) => {
    environ['tsgi.websocket']!.accept({
      message: () => {
        throw new Error('broken handler');
      },
      error: (_ws, error) => void errors.push(error),
    });
    startResponse('101 Switching Protocols', []);
    return [];
  };
  const ws = await testClient(app).websocket('/');
  ws.send('x');
  expect(await ws.closed).toEqual({ code: 1011, reason: 'internal error' });
  expect(String(errors[0])).toContain('broken handler');
});

// A 101 that excInfo replaced while its body ran: a row of scripts/conformance/websocket-rows.ts,
// run there through testClient(), toFetch() and serve().
