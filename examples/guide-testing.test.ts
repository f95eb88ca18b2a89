import request from 'supertest';
import { lint } from '@tsgi/lint';
import { toNodeListener } from '@tsgi/server';
import { testClient } from '@tsgi/testing';
import { hello } from './guide-hello.js';
import { responseStats } from './guide-middleware.js';

// In process, no socket: the app runs under lint(), so any breach of the contract
// (by the app, a middleware, or the client) fails the test with a LintError.
test('hello greets by name', async () => {
  const client = testClient(hello);
  const res = await client.get('/docs', { query: { name: 'Ada' } });
  expect(res.status).toBe(200);
  expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
  expect(res.text).toBe('Hello, Ada! You asked for /docs\n');
  expect(res.closeCalls).toBe(1); // the body was closed exactly once
});

test('a middleware under test: one report per response, after close', async () => {
  const seen: number[] = [];
  const client = testClient(responseStats({ onResponse: (stats) => seen.push(stats.status) })(hello));
  const res = await client.head('/');
  expect(res.body.byteLength).toBe(0); // HEAD: the body is closed, not iterated
  expect(res.header('server-timing')).toMatch(/^app;dur=/);
  expect(seen).toEqual([200]);
});

// Through node:http with supertest: toNodeListener turns the app into (req, res);
// lint() keeps the contract checked there too.
test('supertest drives the same app through the real gateway code', async () => {
  await request(toNodeListener(lint(hello)))
    .get('/x?name=Bob')
    .expect('Content-Type', 'text/plain; charset=utf-8')
    .expect(200, 'Hello, Bob! You asked for /x\n');
});
