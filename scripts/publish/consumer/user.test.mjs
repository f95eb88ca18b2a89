/* global Buffer */
// A user's test under `node --test`, ES module: the app through testClient, no socket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { testClient } from '@tsgi/testing';
import { app } from './app.mjs';

const alice = { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };

test('401 without credentials, with a challenge', async () => {
  const res = await testClient(app).get('/hello');
  assert.equal(res.status, 401);
  assert.match(res.header('www-authenticate') ?? '', /^Basic realm=/);
});

test('200 with credentials', async () => {
  const res = await testClient(app).get('/hello', { headers: alice });
  assert.equal(res.status, 200);
  assert.equal(res.text, 'hello alice (esm)\n');
});

test('a gzip body that decodes', async () => {
  const res = await testClient(app).get('/report', { headers: { ...alice, 'Accept-Encoding': 'gzip' } });
  assert.equal(res.header('content-encoding'), 'gzip');
  assert.equal(gunzipSync(res.body).toString(), 'tsgi report line\n'.repeat(500));
});
