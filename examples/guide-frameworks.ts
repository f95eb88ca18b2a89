import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { compose } from '@tsgi/core';
import { fromFetch } from '@tsgi/fetch';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { urlMap } from '@tsgi/router';
import { fromNodeListener } from '@tsgi/adapters';
import { serve } from '@tsgi/server';

// An Express app, written as usual. Mounted under /api, it sees `req.url` without the
// prefix and the prefix in `req.baseUrl`, as with `app.use('/api', sub)`.
const api = express();
api.use(express.json());
api.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, mountedAt: req.baseUrl });
});
api.post('/echo', (req, res) => {
  res.status(201).json(req.body);
});

// A Koa app: fromNodeListener takes it as it is (it calls `koa.callback()`).
const koa = new Koa();
koa.use(async (ctx) => {
  ctx.body = { from: 'koa', path: ctx.path };
});

// A Hono app (any fetch handler): fromFetch rebuilds a Request from the environ.
// Its URL is the whole path, SCRIPT_NAME included, so give it routes with the prefix.
const hono = new Hono().basePath('/hono').get('/hi/:name', (c) => c.json({ from: 'hono', hi: c.req.param('name') }));

// Three frameworks, one tsgi stack: one access log and one gzip for all of them.
export const site = compose(
  accessLog({ format: 'common' }),
  gzip(),
)(
  urlMap({
    '/api': fromNodeListener(api),
    '/koa': fromNodeListener(koa),
    '/hono': fromFetch(hono.fetch),
  }),
);

if (process.argv[1]?.endsWith('guide-frameworks.ts')) {
  void serve(site, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
