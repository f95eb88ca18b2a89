import { GatewayWebSocket, type WebSocketTransport } from './websocket-session.js';
import type { WebSocketHandlers } from './websocket.js';

function setup(handlers: WebSocketHandlers, limits = { maxPayload: 10, maxBufferedAmount: 100 }) {
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
  const ws = new GatewayWebSocket(transport, handlers, '', limits, { write: (t) => void log.push(t), writelines: () => undefined, flush: () => undefined });
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
