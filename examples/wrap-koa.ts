/**
 * A Koa app (with @koa/router) run as a tsgi Application: fromNodeListener takes the
 * Koa app itself (it calls `koa.callback()`), tsgi middleware stacks on top, and the
 * tsgi gateway serves it. `npx tsx examples/wrap-koa.ts` listens on :8000.
 */
import { Readable } from 'node:stream';
import Koa from 'koa';
import Router from '@koa/router';
import { compose } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { fromNodeListener } from '@tsgi/adapters';
import { serve } from '@tsgi/server';

const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id, q: ctx.query.q ?? null };
});
router.post('/users', async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.status = 201;
  ctx.body = { created: JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown };
});
router.get('/login', (ctx) => {
  ctx.cookies.set('session', 'abc');
  ctx.cookies.set('theme', 'dark', { httpOnly: false });
  ctx.redirect('/users/1');
});
router.get('/report', (ctx) => {
  ctx.type = 'text/plain';
  ctx.body = Readable.from(Array.from({ length: 200 }, (_, i) => `line ${i}: all is well\n`));
});
router.get('/teapot', (ctx) => ctx.throw(418, 'short and stout'));

export const koaApp = new Koa();
koaApp.silent = true; // errors are answered by Koa; tsgi's log records them
koaApp.use(router.routes());

export const app = compose(accessLog({ format: 'common' }), gzip())(fromNodeListener(koaApp));

if (process.argv[1]?.endsWith('wrap-koa.ts')) {
  void serve(app, { port: 8000 }).then(({ url }) => console.log(`Koa under tsgi on ${url}`));
}
