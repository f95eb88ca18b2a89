import { ResponseError, ResponseState } from './response-state.js';
import type { StartResponse } from './types.js';
import { WebSocketUpgrade } from './websocket-upgrade.js';

function inner(): StartResponse & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const start: StartResponse = (status, headers) => {
    calls.push([status, headers]);
    return () => undefined;
  };
  return Object.assign(start, { calls });
}

test('a 101 after accept() stays with the upgrade; its headers lose the ones the gateway writes', async () => {
  const upgrade = new WebSocketUpgrade(['chat']);
  const out = inner();
  upgrade.accept({ message: () => undefined }, { protocol: 'chat' });
  upgrade.startResponse(out)('101 Switching Protocols', [['Set-Cookie', 'a=1'], ['Sec-WebSocket-Protocol', 'x'], ['Content-Length', '0']]);
  expect(out.calls).toEqual([]);
  expect(upgrade.headers).toEqual([['Set-Cookie', 'a=1']]);
  let closed = 0;
  expect(await upgrade.settle(Object.assign([], { close: () => void closed++ }))).toBe(true);
  expect(closed).toBe(1);
  expect(upgrade.protocol).toBe('chat');
});

test('any other status is a refusal passed on, and settle() says not to switch', async () => {
  const upgrade = new WebSocketUpgrade([]);
  const out = inner();
  upgrade.accept({});
  upgrade.startResponse(out)('401 Unauthorized', []);
  expect(out.calls).toEqual([['401 Unauthorized', []]]);
  expect(await upgrade.settle([new Uint8Array(3)])).toBe(false);
});

test('a 101 without accept() is refused with websocket.status, in the gateways and in ResponseState', () => {
  const upgrade = new WebSocketUpgrade([]);
  expect(() => upgrade.startResponse(inner())('101 Switching Protocols', [])).toThrow(expect.objectContaining({ rule: 'websocket.status' }));
  expect(() => new ResponseState(false).start('101 Switching Protocols', [])).toThrow(ResponseError);
});

test('body bytes on a 101 are an error, and the body is still closed once', async () => {
  const upgrade = new WebSocketUpgrade([]);
  upgrade.accept({});
  upgrade.startResponse(inner())('101 Switching Protocols', []);
  let closed = 0;
  const body = Object.assign([new Uint8Array(0), new Uint8Array([1])], { close: () => void closed++ });
  await expect(upgrade.settle(body)).rejects.toMatchObject({ rule: 'body.no-content' });
  expect(closed).toBe(1);
});

test('accept() refuses a second call, a protocol not offered, and handlers that are not functions', () => {
  const upgrade = new WebSocketUpgrade(['chat']);
  expect(() => upgrade.accept({}, { protocol: 'mqtt' })).toThrow(expect.objectContaining({ rule: 'websocket.accept' }));
  expect(() => upgrade.accept({ message: 'hi' } as never)).toThrow(expect.objectContaining({ rule: 'websocket.handlers' }));
  expect(() => upgrade.accept(null as never)).toThrow(expect.objectContaining({ rule: 'websocket.handlers' }));
  upgrade.accept({});
  expect(() => upgrade.accept({})).toThrow(expect.objectContaining({ rule: 'websocket.accept' }));
});

test('a second startResponse without excInfo after a 101 is start-response.twice; with excInfo it replaces the 101', () => {
  const upgrade = new WebSocketUpgrade([]);
  const out = inner();
  upgrade.accept({});
  const start = upgrade.startResponse(out);
  start('101 Switching Protocols', []);
  expect(() => start('200 OK', [])).toThrow(expect.objectContaining({ rule: 'start-response.twice' }));
  start('500 Internal Server Error', [], new Error('boom'));
  expect(upgrade.switching).toBe(false);
  expect(out.calls).toHaveLength(1);
});

test('accept({ decode }) takes a boolean and records it', () => {
  const upgrade = new WebSocketUpgrade([]);
  expect(() => upgrade.accept({}, { decode: 'no' as never })).toThrow(/decode.*takes a boolean, got/);
  upgrade.accept({}, { decode: false });
  expect(upgrade.decode).toBe(false);
  expect(new WebSocketUpgrade([]).decode).toBe(true);
});
