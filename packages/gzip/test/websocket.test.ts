/**
 * gzip() and the WebSocket extension: a handshake asking for gzip gets its 101 with
 * no Content-Encoding or Vary added, and the connection's messages pass untouched.
 */
import type { Application } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { gzip } from '../src/index.js';

const echo: Application = (environ, startResponse) => {
  environ['tsgi.websocket']!.accept({ message: (ws, data) => void ws.send(data) });
  startResponse('101 Switching Protocols', [['X-Kind', 'echo']]);
  return [];
};

test('a 101 passes through gzip() unchanged, and messages are not compressed', async () => {
  const ws = await testClient(gzip({ threshold: 0 })(echo)).websocket('/', { headers: { 'Accept-Encoding': 'gzip' } });
  expect(ws.header('content-encoding')).toBeUndefined();
  expect(ws.header('vary')).toBeUndefined();
  expect(ws.header('x-kind')).toBe('echo');
  ws.send('x'.repeat(4096));
  expect(await ws.next()).toBe('x'.repeat(4096));
  ws.close();
  await ws.closed;
});
