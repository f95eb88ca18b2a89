import fc from 'fast-check';
import { checkWebSocketRequest } from './websocket-handshake.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const GOOD: Record<string, string> = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': KEY,
  'sec-websocket-version': '13',
};
const reader = (headers: Record<string, string>) => (name: string) => headers[name];

test('a valid handshake is offered, with the subprotocols in the client\'s order', () => {
  const check = checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, 'sec-websocket-protocol': 'chat, superchat' }));
  expect(check).toEqual({ kind: 'offer', protocols: ['chat', 'superchat'] });
});

test('Connection and Upgrade are token lists, matched without case', () => {
  const check = checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, upgrade: 'WebSocket', connection: 'keep-alive, UPGRADE' }));
  expect(check.kind).toBe('offer');
});

test.each([
  ['POST', 'HTTP/1.1', GOOD],
  ['GET', 'HTTP/1.0', GOOD],
  ['GET', 'HTTP/1.1', { ...GOOD, upgrade: 'h2c' }],
  ['GET', 'HTTP/1.1', { ...GOOD, connection: 'keep-alive' }],
])('%s over %s with %j is no WebSocket request: no offer, no refusal', (method, protocol, headers) => {
  expect(checkWebSocketRequest(method, protocol, reader(headers))).toEqual({ kind: 'none' });
});

test('a missing or malformed key is refused with 400', () => {
  const { 'sec-websocket-key': _key, ...noKey } = GOOD;
  expect(checkWebSocketRequest('GET', 'HTTP/1.1', reader(noKey))).toMatchObject({ kind: 'refuse', status: 400 });
  expect(checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, 'sec-websocket-key': 'c2hvcnQ=' }))).toMatchObject({ status: 400 });
});

test('another version is refused with 426 naming version 13', () => {
  const check = checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, 'sec-websocket-version': '8' }));
  expect(check).toMatchObject({ kind: 'refuse', status: 426, headers: [['Sec-WebSocket-Version', '13']] });
});

test('an origin outside the allow-list is refused with 403; no Origin passes', () => {
  const origins = ['https://app.example'];
  expect(checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, origin: 'https://evil.example' }), { origins })).toMatchObject({ status: 403 });
  expect(checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, origin: 'https://app.example' }), { origins }).kind).toBe('offer');
  expect(checkWebSocketRequest('GET', 'HTTP/1.1', reader(GOOD), { origins }).kind).toBe('offer');
});

test('a subprotocol list that is not distinct tokens is refused with 400', () => {
  for (const value of ['chat,,x', 'a b', 'chat, chat']) {
    expect(checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, 'sec-websocket-protocol': value }))).toMatchObject({ status: 400 });
  }
});

test('any header values give an answer, never a throw', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...Object.keys(GOOD), 'origin', 'sec-websocket-protocol'), fc.string()), (headers) => {
      const check = checkWebSocketRequest('GET', 'HTTP/1.1', reader({ ...GOOD, ...headers }));
      expect(['none', 'refuse', 'offer']).toContain(check.kind);
    }),
  );
});
