/* global require, module, process, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is what this file is */
// The consumer's app as CommonJS: the same stack through require().
const { compose } = require('@tsgi/core');
const { basicAuth } = require('@tsgi/auth');
const { gzip } = require('@tsgi/gzip');
const { accessLog } = require('@tsgi/logger');
const { router } = require('@tsgi/router');

const hello = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from(`hello ${environ.REMOTE_USER} (cjs)\n`)];
};
const report = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('tsgi report line\n'.repeat(500))];
};

const routes = router().get('/hello', hello).get('/report', report);
module.exports.app = compose(
  accessLog({ format: 'common', stream: process.stdout }),
  gzip(),
  basicAuth({ users: { alice: 's3cret' } }),
)(routes);
