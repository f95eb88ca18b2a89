/**
 * An Express 5 app run as a tsgi Application: fromNodeListener wraps it, tsgi
 * middleware (access log, gzip) stacks on top, and the tsgi gateway serves it.
 * `npx tsx examples/wrap-express.ts` listens on :8000; importing it does not.
 */
import express from 'express';
import { compose } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { fromNodeListener } from '@tsgi/adapters';
import { serve } from '@tsgi/server';

// The Express app, written as it always is.
export const expressApp = express();
expressApp.use(express.json());
expressApp.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, q: req.query.q ?? null });
});
expressApp.post('/users', (req, res) => {
  res.status(201).location('/users/1').json({ created: req.body as unknown });
});
expressApp.get('/login', (_req, res) => {
  res.cookie('session', 'abc', { httpOnly: true }).cookie('theme', 'dark').redirect('/users/1');
});
expressApp.get('/report', (_req, res) => {
  res.type('text/plain');
  // Long and repetitive: gzip compresses it on the way out.
  for (let i = 0; i < 200; i++) res.write(`line ${i}: all is well\n`);
  res.end();
});

// The tsgi stack around it: the log sees every request, gzip the Express output.
export const app = compose(accessLog({ format: 'common' }), gzip())(fromNodeListener(expressApp));

if (process.argv[1]?.endsWith('wrap-express.ts')) {
  void serve(app, { port: 8000 }).then(({ url }) => console.log(`Express under tsgi on ${url}`));
}
