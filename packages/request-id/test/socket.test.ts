/**
 * requestId() over a real socket: serve() on 127.0.0.1, fetch and a raw `net` client
 * (which can send what fetch refuses to), under lint() above and below.
 */
import type { Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import net from 'node:net';
import { requestId } from '../src/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const echoId: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [new TextEncoder().encode(String(environ['tsgi.request_id']))];
};

/** One HTTP/1.1 request written by hand; resolves to the raw response text. */
function raw(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(head));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
  });
}

let served: Served;
beforeAll(async () => {
  served = await serve(lint(requestId()(lint(echoId))), { port: 0, host: '127.0.0.1' });
});
afterAll(() => served.close());

test('fetch: a made id and a reused one come back in the header and match what the app saw', async () => {
  const made = await fetch(served.url);
  const id = made.headers.get('x-request-id');
  expect(id).toMatch(UUID);
  expect(await made.text()).toBe(id);
  const reused = await fetch(served.url, { headers: { 'X-Request-Id': 'upstream-77' } });
  expect([reused.headers.get('x-request-id'), await reused.text()]).toEqual(['upstream-77', 'upstream-77']);
});

test('raw socket: a hostile id (a quote, a 4 kB one, latin-1 bytes) is replaced, never echoed', async () => {
  for (const hostile of ['a"b<script>', 'x'.repeat(4096), 'caf\xe9']) {
    const response = await raw(served.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${hostile}\r\nConnection: close\r\n\r\n`);
    const header = /\r\nx-request-id: ([^\r]*)\r\n/i.exec(response)?.[1];
    expect(header).toMatch(UUID);
    expect(response.endsWith(`\r\n\r\n${header}`)).toBe(true);
    expect(response).not.toContain(hostile);
  }
});
