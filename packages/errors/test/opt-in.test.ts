/**
 * router, staticFiles, auth and gzip with `throwHttpErrors: true`, under one
 * httpErrors() on the real gateway (and lint): their 400/401/404/405/406 come out as
 * the same problem+json, with the headers each status needs (Allow, WWW-Authenticate,
 * Vary), and `cascade` falls through their thrown 404s and 405s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, type Application } from '@tsgi/core';
import { basicAuth, bearerAuth } from '@tsgi/auth';
import { gzip } from '@tsgi/gzip';
import { lint } from '@tsgi/lint';
import { cascade, router, urlMap } from '@tsgi/router';
import { serve } from '@tsgi/server';
import { staticFiles } from '@tsgi/static';
import { httpErrors } from '../src/index.js';

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('hello '.repeat(400))];
};

const root = mkdtempSync(join(tmpdir(), 'tsgi-opt-in-'));
writeFileSync(join(root, 'style.css'), 'body { color: red }\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const routes = router({ throwHttpErrors: true }).get('/users/:id', hello).post('/users', hello);
const page: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [Buffer.from('the page')];
};
const app = urlMap({
  '/files': staticFiles({ root, throwHttpErrors: true }),
  // Issue 25.2: a router that throws its 404 must not end the cascade.
  '/site': cascade([router({ throwHttpErrors: true }).post('/form', hello), staticFiles({ root, throwHttpErrors: true }), router({ throwHttpErrors: true }).get('/page', page).get('/form', page)]),
  '/api': routes,
  '/basic': basicAuth({ users: { ann: 'pw' }, realm: 'site', throwHttpErrors: true })(hello),
  '/bearer': bearerAuth({ verify: (token) => token === 'good', throwHttpErrors: true })(hello),
  '/gz': compose(gzip({ throwHttpErrors: true, encodings: ['gzip'] }))(hello),
});

let served: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  served = await serve(lint(httpErrors()(lint(app))), { port: 0, host: '127.0.0.1', errors: { write: () => true } });
});
afterAll(() => served.close());

async function problem(path: string, init: RequestInit = {}): Promise<[number, Record<string, unknown>, Headers]> {
  const response = await fetch(`${served.url}${path}`, { ...init, headers: { Accept: 'application/problem+json', ...(init.headers as Record<string, string>) } });
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return [response.status, (await response.json()) as Record<string, unknown>, response.headers];
}

test('router: 404, 405 with Allow, 400 for a param that is not UTF-8', async () => {
  const [missing, missingBody] = await problem('/api/nowhere');
  expect([missing, missingBody]).toEqual([404, { type: 'about:blank', title: 'Not Found', status: 404, instance: '/api/nowhere' }]);
  const [method, , methodHeaders] = await problem('/api/users', { method: 'DELETE' });
  expect([method, methodHeaders.get('allow')]).toEqual([405, 'POST, OPTIONS']);
  const [bad] = await problem('/api/users/%FF');
  expect(bad).toBe(400);
  expect((await fetch(`${served.url}/api/users/7`)).status).toBe(200);
});

test('staticFiles: a JSON client gets JSON for a 404 and a 405 (with Allow); files still come', async () => {
  const missing = await fetch(`${served.url}/files/missing.css`, { headers: { Accept: 'application/json' } });
  expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'application/json']);
  expect(await missing.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/files/missing.css' });
  const [method, , methodHeaders] = await problem('/files/style.css', { method: 'DELETE' });
  expect([method, methodHeaders.get('allow')]).toEqual([405, 'GET, HEAD']);
  const file = await fetch(`${served.url}/files/style.css`);
  expect([file.status, await file.text()]).toEqual([200, 'body { color: red }\n']);
});

test("cascade falls through thrown 404s and 405s to the next app; the last app's 404 is rendered", async () => {
  expect(await (await fetch(`${served.url}/site/page`)).text()).toBe('the page'); // router threw 404, static 404
  expect(await (await fetch(`${served.url}/site/form`)).text()).toBe('the page'); // router threw 405, static 404
  expect(await (await fetch(`${served.url}/site/style.css`)).text()).toBe('body { color: red }\n'); // router threw 404
  expect((await fetch(`${served.url}/site/form`, { method: 'POST' })).status).toBe(200);
  const [missing, body] = await problem('/site/nowhere');
  expect([missing, body.instance]).toEqual([404, '/site/nowhere']);
});

test('basicAuth and bearerAuth: 401 and 400 with their challenges and messages', async () => {
  const [basic, basicBody, basicHeaders] = await problem('/basic/');
  expect([basic, basicBody.detail, basicHeaders.get('www-authenticate')]).toEqual([401, 'Authentication required.', 'Basic realm="site", charset="UTF-8"']);
  const [wrong, wrongBody] = await problem('/basic/', { headers: { Authorization: `Basic ${Buffer.from('ann:nope').toString('base64')}` } });
  expect([wrong, wrongBody.detail]).toEqual([401, 'Invalid credentials.']);
  const [bearer, , bearerHeaders] = await problem('/bearer/', { headers: { Authorization: 'Bearer bad' } });
  expect([bearer, bearerHeaders.get('www-authenticate')]).toEqual([401, expect.stringContaining('error="invalid_token"')]);
  const [malformed, , malformedHeaders] = await problem('/bearer/', { headers: { Authorization: 'Bearer a b' } });
  expect([malformed, malformedHeaders.get('www-authenticate')]).toEqual([400, expect.stringContaining('error="invalid_request"')]);
  const ok = await fetch(`${served.url}/basic/`, { headers: { Authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` } });
  expect(ok.status).toBe(200);
});

test('gzip: 406 with Vary when neither gzip nor identity is acceptable', async () => {
  const [refused, body, headers] = await problem('/gz/', { headers: { 'Accept-Encoding': 'br, identity;q=0' } });
  expect([refused, body.title, headers.get('vary')]).toEqual([406, 'Not Acceptable', expect.stringContaining('Accept-Encoding')]);
  const ok = await fetch(`${served.url}/gz/`, { headers: { 'Accept-Encoding': 'gzip' } });
  expect([ok.status, ok.headers.get('content-encoding')]).toEqual([200, 'gzip']);
});

test('the option is checked', () => {
  expect(() => router({ throwHttpErrors: 'yes' as unknown as boolean })).toThrow(/throwHttpErrors must be true or false, got yes/);
  expect(() => basicAuth({ users: {}, throwHttpErrors: true, onUnauthorized: hello })).toThrow(/either onUnauthorized or throwHttpErrors/);
  expect(() => gzip({ throwHttpErrors: 1 as unknown as boolean })).toThrow(/throwHttpErrors must be true or false, got 1/);
});
