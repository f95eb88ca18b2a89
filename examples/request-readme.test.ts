/** Runs the example of packages/request/README.md (the doc test keeps the two identical), lint on. */
import { testClient } from '@tsgi/testing';
import { app } from './request-readme.js';

const client = testClient(app);

test('a JSON POST is read through request() and answered with json(), a cookie and a Location', async () => {
  const res = await client.post('/users', { json: { name: 'Zoë' } });
  expect(res.statusLine).toBe('201 Created');
  expect(res.json()).toEqual({ id: 7, name: 'Zoë', from: '127.0.0.1' });
  expect(res.header('location')).toBe('/users/7');
  expect(res.header('set-cookie')).toBe('last=Zo%C3%AB; HttpOnly; SameSite=Lax');
});

test('what the readers refuse, httpErrors() answers: 415, 400, 413', async () => {
  expect((await client.post('/users', { body: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  expect((await client.post('/users', { body: '{"name":', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
  expect((await client.post('/users', { json: { name: 'x'.repeat(1024 * 1024) } })).status).toBe(413);
});

test('mounted builders: a constant JSON answer and a redirect', async () => {
  expect((await client.get('/health')).json()).toEqual({ ok: true });
  const home = await client.get('/');
  expect([home.status, home.header('location')]).toEqual([302, '/health']);
});
