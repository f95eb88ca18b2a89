/**
 * Runs the README's example (the doc test keeps the README block and readme-example.ts
 * identical) against a real upstream on 127.0.0.1 that answers at once, or takes 5 s
 * for `slow`: the timeout's signal must abort that upstream request.
 */
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { testClient } from '@tsgi/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { searchApp } from './readme-example.js';

let upstream: http.Server;
let upstreamAborted = false;
let served: Served;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('q');
    const delay = query === 'slow' ? 5000 : 0;
    const timer = setTimeout(() => res.end(JSON.stringify({ hits: [query] })), delay);
    res.on('close', () => {
      if (!res.writableEnded) upstreamAborted = true;
      clearTimeout(timer);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  served = await serve(lint(searchApp(`http://127.0.0.1:${port}`)), { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await served.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

test('a small query: the upstream answer', async () => {
  const response = await fetch(served.url, { method: 'POST', body: 'tsgi' });
  expect([response.status, await response.json()]).toEqual([200, { hits: ['tsgi'] }]);
});

test('a query over 16 KiB: 413, streamed or declared', async () => {
  const client = testClient(searchApp('http://127.0.0.1:9'));
  expect((await client.post('/', { body: 'x'.repeat(16 * 1024 + 1) })).status).toBe(413);
  const streamed = (async function* () {
    for (let i = 0; i < 17; i++) yield new Uint8Array(1024);
  })();
  expect((await client.post('/', { body: streamed })).status).toBe(413);
});

test('a slow upstream: 504 after 2 s, and the upstream request was aborted', async () => {
  const response = await fetch(served.url, { method: 'POST', body: 'slow' });
  expect([response.status, await response.text()]).toEqual([504, 'the application did not start its response within 2000 ms\n']);
  for (let i = 0; i < 200 && !upstreamAborted; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(upstreamAborted).toBe(true);
});
