import { compose, type Application } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { router, routingArgs, urlMap } from '@tsgi/router';
import { serve } from '@tsgi/server';

const greet: Application = (environ, startResponse) => {
  const [, { name }] = routingArgs(environ);
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [Buffer.from(JSON.stringify({ hello: name, words: 'lorem ipsum '.repeat(200) }))];
};

const whoami: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`signed in as ${environ.REMOTE_USER}\n`)];
};

const api = router().get('/hello/:name', greet);
const admin = basicAuth({ realm: 'Admin', users: { alice: 'wonderland' } })(whoami);

// Outermost first: the log sees every request (and the compressed size), gzip
// compresses whatever the map answers, and auth guards only what is under /admin.
export const site = compose(accessLog({ format: 'common' }), gzip())(urlMap({ '/api': api, '/admin': admin }));

if (process.argv[1]?.endsWith('guide-stack.ts')) {
  void serve(site, { port: 8000 }).then(({ url }) => console.log(`listening on ${url}`));
}
