import express from 'express';
import { compose, type Application } from '@tsgi/core';
import { accessLog } from '@tsgi/logger';
import { cascade, router, routingArgs } from '@tsgi/router';
import { fromNodeListener, serve } from '@tsgi/server';

// The Express app you have today, unchanged.
const legacy = express();
legacy.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, from: 'express' });
});
legacy.get('/reports', (_req, res) => {
  res.type('text').send('quarterly report\n');
});

// Step one of the move: /users/:id rewritten as a tsgi app.
const showUser: Application = (environ, startResponse) => {
  const [, { id }] = routingArgs(environ);
  startResponse('200 OK', [['Content-Type', 'application/json; charset=utf-8']]);
  return [Buffer.from(JSON.stringify({ id, from: 'tsgi' }))];
};
const moved = router().get('/users/:id', showUser);

// The new routes answer first; what they do not know (404, 405) falls through to
// Express. Move routes one by one; delete `legacy` when nothing reaches it.
export const app = compose(accessLog({ format: 'common' }))(cascade([moved, fromNodeListener(legacy)]));

if (process.argv[1]?.endsWith('guide-migrate.ts')) {
  void serve(app, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
