/**
 * `serve(app, { listen: false })`, as the CLI's workers use it: the server takes
 * connections handed to it with `server.emit('connection', socket)`, and `close()`
 * waits for a request in flight, then lets its keep-alive connection go.
 */
import { createServer, type Server } from 'node:net';
import { request } from 'node:http';
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '../src/index.js';

const slow: Application = (_environ, startResponse) =>
  (async function* slowBody() {
    await new Promise((resolve) => setTimeout(resolve, 300));
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    yield Buffer.from('done');
  })();

test('connections handed over are served; close() waits for the one in flight', async () => {
  const served = await serve(lint(slow), { listen: false, errors: { write: () => true } });
  expect(served.url).toBe('');
  // A stand-in for the CLI's primary: accepts, then hands each socket to the server.
  const front: Server = createServer((socket) => served.server.emit('connection', socket));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as { port: number };
  try {
    let ended = 0;
    let socketClosed = false;
    const answer = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers: { Connection: 'keep-alive' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          ended = Date.now();
          resolve(body);
        });
      });
      req.on('socket', (socket) => socket.once('close', () => (socketClosed = true)));
      req.on('error', reject).end();
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the request is in the app
    await served.close();
    const closed = Date.now();
    expect(await answer).toBe('done');
    expect(ended).toBeGreaterThan(0);
    expect(closed).toBeGreaterThanOrEqual(ended); // it waited for the response
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socketClosed).toBe(true); // and the idle keep-alive connection was let go
  } finally {
    front.close();
  }
});
