/** Runs the README's example (the doc test keeps the README block and readme-example.ts identical). */
import { testClient } from '@tsgi/testing';
import { app } from './readme-example.js';

/** A request that nginx at 10.0.0.2 forwarded for `client`. */
async function via(path: string, client: string): Promise<[number, string]> {
  const res = await testClient(app).get(path, { environ: { REMOTE_ADDR: '10.0.0.2' }, headers: { 'X-Forwarded-For': client } });
  return [res.status, res.text];
}

test.each([
  ['/admin', '10.1.2.3', 200, 'admin'],
  ['/admin', 'fd00::7', 200, 'admin'],
  ['/admin', '10.0.66.4', 403, 'client address 10.0.66.4 is denied\n'],
  ['/admin', '203.0.113.9', 403, 'client address 203.0.113.9 is not allowed\n'],
  ['/', '203.0.113.9', 200, 'site'],
  ['/', '192.0.2.50', 403, 'client address 192.0.2.50 is denied\n'],
] as const)('%s from %s: %i', async (path, client, status, text) => {
  expect(await via(path, client)).toEqual([status, text]);
});

test('a client that reaches the app directly cannot pick its address with X-Forwarded-For', async () => {
  const res = await testClient(app).get('/admin', { environ: { REMOTE_ADDR: '203.0.113.9' }, headers: { 'X-Forwarded-For': '10.1.2.3' } });
  expect([res.status, res.text]).toEqual([403, 'client address 203.0.113.9 is not allowed\n']);
});
