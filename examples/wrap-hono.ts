/**
 * A Hono app (any fetch handler) run as a tsgi Application: fromFetch builds a
 * Request from the environ and streams the Response back; tsgi middleware stacks on
 * top and the tsgi gateway serves it. `npx tsx examples/wrap-hono.ts` listens on :8000.
 */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import { compose } from '@tsgi/core';
import { fromFetch } from '@tsgi/fetch';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { serve } from '@tsgi/server';

export const honoApp = new Hono();
honoApp.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null }));
honoApp.post('/users', async (c) => c.json({ created: await c.req.json<unknown>() }, 201, { Location: '/users/1' }));
honoApp.get('/login', (c) => {
  setCookie(c, 'session', 'abc', { httpOnly: true });
  setCookie(c, 'theme', 'dark');
  return c.redirect('/users/1');
});
honoApp.get('/report', (c) => {
  c.header('Content-Type', 'text/plain');
  return stream(c, async (s) => {
    for (let i = 0; i < 200; i++) await s.write(`line ${i}: all is well\n`);
  });
});

// The same tsgi stack as the Express and Koa examples.
export const app = compose(accessLog({ format: 'common' }), gzip())(fromFetch(honoApp));

if (process.argv[1]?.endsWith('wrap-hono.ts')) {
  void serve(app, { port: 8000 }).then(({ url }) => console.log(`Hono under tsgi on ${url}`));
}
