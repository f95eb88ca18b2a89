import express from 'express';
import { compose, type Application } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { accessLog } from '@tsgi/logger';
import { json, request } from '@tsgi/request';
import { cascade, router } from '@tsgi/router';
import { fromNodeListener } from '@tsgi/adapters';
import { serve } from '@tsgi/server';

// The Express app you have today, unchanged.
const legacy = express();
legacy.use(express.json());
legacy.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, from: 'express' });
});
legacy.post('/users', (req, res) => {
  res.status(201).json({ created: (req.body as { name?: string }).name, from: 'express' });
});
legacy.get('/reports', (_req, res) => {
  res.type('text').send('quarterly report\n');
});

// Step one of the move: two routes rewritten as tsgi apps.
const showUser: Application = (environ, startResponse) =>
  json({ id: request(environ).params.id, from: 'tsgi' })(environ, startResponse);

const createUser: Application = async (environ, startResponse) => {
  // express.json() and req.body in one call: 415, 400 or 413 as an HttpError for httpErrors().
  const { name } = await request(environ).json<{ name?: string }>({ limit: 100 * 1024 });
  return json({ created: name, from: 'tsgi' }, { status: 201 })(environ, startResponse);
};

const moved = router().get('/users/:id', showUser).post('/users', createUser);

// The new routes answer first; what they do not know (404, 405) falls through to
// Express. Move routes one by one; delete `legacy` when nothing reaches it.
export const app = compose(accessLog({ format: 'common' }), httpErrors())(cascade([moved, fromNodeListener(legacy)]));

if (process.argv[1]?.endsWith('guide-migrate.ts')) {
  void serve(app, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
