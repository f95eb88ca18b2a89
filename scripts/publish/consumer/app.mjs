/* global process, Buffer */
// The consumer's app as an ES module: router, auth, gzip and an access log on stdout.
import { compose } from '@tsgi/core';
import { basicAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { accessLog } from '@tsgi/logger';
import { router } from '@tsgi/router';

const hello = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`hello ${environ.REMOTE_USER} (esm)\n`)];
};
const report = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('tsgi report line\n'.repeat(500))];
};

const routes = router().get('/hello', hello).get('/report', report);
export const app = compose(
  accessLog({ format: 'common', stream: process.stdout }),
  gzip(),
  basicAuth({ users: { alice: 's3cret' } }),
)(routes);
