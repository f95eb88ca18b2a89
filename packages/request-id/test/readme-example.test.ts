/** Runs the README's example (the doc test keeps the README block and readme-example.ts identical). */
import { testClient } from '@tsgi/testing';
import { app } from './readme-example.js';

test('the README example: the app, the JSON log line and the response carry one id', async () => {
  let logged = '';
  const errors = { write: (text: string) => void (logged += text), writelines: () => {}, flush: () => {} };
  const client = testClient(app, { environ: { 'wsgi.errors': errors } });
  const given = await client.get('/', { headers: { 'X-Request-Id': 'edge-4f2a' } });
  expect([given.status, given.text, given.header('x-request-id')]).toEqual([200, 'request edge-4f2a\n', 'edge-4f2a']);
  const made = await client.get('/');
  const id = made.header('x-request-id')!;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(made.text).toBe(`request ${id}\n`);
  // The log line goes to wsgi.errors once the body is closed, after a short batch.
  const deadline = Date.now() + 2000;
  while (!logged.includes(id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  const line = logged.split('\n').find((text) => text.includes(id));
  expect(JSON.parse(line!)).toMatchObject({ requestId: id, status: 200 });
});
