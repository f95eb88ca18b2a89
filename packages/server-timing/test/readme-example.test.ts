/** Runs the README's example (the doc test keeps the README block and readme-example.ts identical). */
import { testClient } from '@tsgi/testing';
import { app } from './readme-example.js';

test('the README example: timings for the office network, none for others', async () => {
  const client = testClient(app);
  const office = await client.get('/', { query: '42', environ: { REMOTE_ADDR: '10.1.2.3' } });
  expect(office.json()).toEqual({ id: '42' });
  expect(office.header('server-timing')).toMatch(/^db;dur=[\d.]+;desc="user by id", app;dur=[\d.]+$/);
  const outside = await client.get('/', { query: '42', environ: { REMOTE_ADDR: '203.0.113.9' } });
  expect([outside.json(), outside.header('server-timing')]).toEqual([{ id: '42' }, undefined]);
});
