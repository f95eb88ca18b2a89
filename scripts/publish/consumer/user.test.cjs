/* global require, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is what this file is */
// A user's test under `node --test`, CommonJS, and the dual-package hazard: when one
// process loads both builds, instanceof still holds across them.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { testClient } = require('@tsgi/testing');
const { app } = require('./app.cjs');

test('401 and 200 through require()', async () => {
  assert.equal((await testClient(app).get('/hello')).status, 401);
  const alice = { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };
  const res = await testClient(app).get('/hello', { headers: alice });
  assert.equal(res.text, 'hello alice (cjs)\n');
});

test('LintError and HttpError from the CommonJS build are instances of the ES module classes', async () => {
  const esmLint = await import('@tsgi/lint');
  const esmCore = await import('@tsgi/core');
  const cjsCore = require('@tsgi/core');
  assert.notEqual(esmLint.LintError, require('@tsgi/lint').LintError, 'both builds are loaded');
  const hopByHop = (_environ, startResponse) => {
    startResponse('200 OK', [['Connection', 'close']]);
    return [Buffer.from('x')];
  };
  const error = await testClient(hopByHop).get('/').then(() => undefined, (e) => e);
  assert.equal(error?.name, 'LintError');
  assert.ok(error instanceof esmLint.LintError);
  assert.ok(new cjsCore.HttpError(404) instanceof esmCore.HttpError);
  assert.ok(!(new Error('x') instanceof esmCore.HttpError));
});
