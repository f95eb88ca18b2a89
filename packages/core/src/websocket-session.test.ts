import { GatewayWebSocket, type WebSocketTransport } from './websocket-session.js';
import type { WebSocketHandlers } from './websocket.js';

function setup(handlers: WebSocketHandlers, limits = { maxPayload: 10, maxBufferedAmount: 100 }, decode = true) {
  const log: string[] = [];
  const events: unknown[][] = [];
  const transport: WebSocketTransport & { buffered: number } = {
    buffered: 0,
    send: (data) => {
      events.push(['send', data]);
      transport.buffered += typeof data === 'string' ? data.length : data.byteLength;
      return transport.buffered > 0 ? Promise.resolve() : undefined;
    },
    close: (code, reason) => events.push(['close', code, reason]),
    terminate: () => events.push(['terminate']),
    get bufferedAmount() {
      return transport.buffered;
    },
  };
  const ws = new GatewayWebSocket(transport, handlers, '', limits, { write: (t) => void log.push(t), writelines: () => undefined, flush: () => undefined }, decode);
  return { ws, events, log, transport };
}

test('messages reach the handler once open; close reaches it once', async () => {
  const seen: unknown[] = [];
  const { ws, events } = setup({
    open: () => void seen.push('open'),
    message: (socket, data) => void socket.send(data),
    close: (_socket, code, reason) => void seen.push(['close', code, reason]),
  });
  ws.received('early');
  ws.opened();
  ws.received('hi');
  ws.received(new Uint8Array([1, 2]));
  ws.closed(1000, 'bye');
  ws.closed(1006, '');
  await ws.send('after');
  expect(seen).toEqual(['open', ['close', 1000, 'bye']]);
  expect(events).toEqual([['send', 'hi'], ['send', new Uint8Array([1, 2])]]);
});

test('a message over maxPayload closes with 1009 and reports an error', () => {
  const errors: unknown[] = [];
  const { ws, events } = setup({ error: (_ws, error) => void errors.push(error) });
  ws.opened();
  ws.received('x'.repeat(11));
  ws.received('€'.repeat(4)); // 12 bytes of UTF-8: ignored, the connection is closing
  expect(events).toEqual([['close', 1009, 'message too big']]);
  expect(errors).toHaveLength(1);
});

test('a handler that throws or rejects closes with 1011; without an error handler it is logged', async () => {
  const { ws, events, log } = setup({ message: () => Promise.reject(new Error('nope')) });
  ws.opened();
  ws.received('x');
  await new Promise((resolve) => setImmediate(resolve));
  expect(events).toEqual([['close', 1011, 'internal error']]);
  expect(log.join('')).toContain('nope');
});

test('a send that leaves more than maxBufferedAmount queued drops the connection', () => {
  const { ws, events, log } = setup({});
  ws.opened();
  void ws.send('y'.repeat(60));
  void ws.send('y'.repeat(60));
  expect(events.at(-1)).toEqual(['terminate']);
  expect(log.join('')).toContain('maxBufferedAmount');
});

test('close() takes a sendable code and a short reason; send() bytes or text only', () => {
  const { ws } = setup({});
  ws.opened();
  expect(() => ws.close(1006)).toThrow(RangeError);
  expect(() => ws.close(2000)).toThrow(RangeError);
  expect(() => ws.close(4000, 'x'.repeat(124))).toThrow(RangeError);
  expect(() => ws.send(42 as never)).toThrow(TypeError);
  ws.close(4000, 'done');
  expect(ws.readyState).toBe(2);
});

test('decode: false hands text over as UTF-8 bytes with binary false; binary frames keep binary true', () => {
  const seen: unknown[][] = [];
  const handlers: WebSocketHandlers = { message: (_socket, data, binary) => void seen.push([data, binary]) };
  const { ws } = setup(handlers);
  const { ws: bytes } = setup(handlers, undefined, false);
  ws.opened();
  bytes.opened();
  ws.received('hé');
  ws.receivedText(new TextEncoder().encode('hé'));
  bytes.received('hé');
  bytes.receivedText(new TextEncoder().encode('hé'));
  bytes.received(new Uint8Array([1]));
  expect(seen).toEqual([
    ['hé', false],
    ['hé', false],
    [new TextEncoder().encode('hé'), false],
    [new TextEncoder().encode('hé'), false],
    [new Uint8Array([1]), true],
  ]);
});

test('receivedText over maxPayload closes with 1009 as received does', () => {
  const { ws, events } = setup({ message: () => undefined });
  ws.opened();
  ws.receivedText(new Uint8Array(11));
  expect(events).toEqual([['close', 1009, 'message too big']]);
});

test('send(data, { binary }) sets the frame type: bytes as text go through sendText (or are decoded), text as binary is encoded', async () => {
  const { ws, events, transport } = setup({});
  ws.opened();
  await ws.send(new TextEncoder().encode('ok'), { binary: false });
  await ws.send('ok', { binary: true });
  await ws.send('ok', { binary: false });
  await ws.send(new Uint8Array([7]), { binary: true });
  expect(events).toEqual([
    ['send', 'ok'],
    ['send', new TextEncoder().encode('ok')],
    ['send', 'ok'],
    ['send', new Uint8Array([7])],
  ]);
  events.length = 0;
  transport.sendText = (data) => void events.push(['sendText', data]);
  await ws.send(new TextEncoder().encode('ok'), { binary: false });
  expect(events).toEqual([['sendText', new TextEncoder().encode('ok')]]);
});
