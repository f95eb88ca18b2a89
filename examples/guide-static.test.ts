/**
 * The static-files guide's example (guide-static.ts) on a real socket, over a
 * built-looking dist/ made in a temp dir: hashed assets cached for a year (and their
 * precompressed sibling), public files for a minute, client-side routes answered
 * with index.html, a missing asset a 404, and the API with an ETag and its 304.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { lint } from '@tsgi/lint';
import { serve, type Served } from '@tsgi/server';
import { spaSite } from './guide-static.js';

const INDEX = '<!doctype html><script type="module" src="/assets/app.3f9a1c.js"></script>\n';
const SCRIPT = 'console.log("the app");\n'.repeat(50);
let dist: string;
let served: Served;
beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'tsgi-spa-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'robots.txt'), 'User-agent: *\n');
  writeFileSync(join(dist, 'assets', 'app.3f9a1c.js'), SCRIPT);
  writeFileSync(join(dist, 'assets', 'app.3f9a1c.js.br'), zlib.brotliCompressSync(SCRIPT));
  served = await serve(lint(spaSite(dist)), { port: 0, errors: { write: () => true } });
});
afterAll(async () => {
  await served.close();
  rmSync(dist, { recursive: true, force: true });
});

test('hashed assets: a year, immutable, and the brotli sibling for a client that takes it', async () => {
  const res = await fetch(`${served.url}/assets/app.3f9a1c.js`, { headers: { 'Accept-Encoding': 'br' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(res.headers.get('content-encoding')).toBe('br');
  expect(await res.text()).toBe(SCRIPT); // fetch decodes br
});

test('a missing asset is a 404, not the page', async () => {
  const res = await fetch(`${served.url}/assets/app.000000.js`);
  expect(res.status).toBe(404);
  await res.arrayBuffer();
});

test('public files are cached a minute', async () => {
  const res = await fetch(`${served.url}/robots.txt`);
  expect(res.headers.get('cache-control')).toBe('public, max-age=60');
  expect(await res.text()).toBe('User-agent: *\n');
});

test('/ and client-side routes get index.html, revalidated each time', async () => {
  for (const path of ['/', '/settings/profile']) {
    const res = await fetch(`${served.url}${path}`);
    expect([path, res.status, res.headers.get('cache-control')]).toEqual([path, 200, 'no-cache']);
    expect(await res.text()).toBe(INDEX);
    const again = await fetch(`${served.url}${path}`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  }
});

test('the API gets an ETag from etag() and a 304 from conditionalGet()', async () => {
  const res = await fetch(`${served.url}/api/health`, { headers: { 'Accept-Encoding': 'identity' } });
  expect(await res.json()).toEqual({ ok: true });
  const tag = res.headers.get('etag')!;
  expect(tag).toMatch(/^"[\w-]+"$/);
  const again = await fetch(`${served.url}/api/health`, { headers: { 'If-None-Match': tag } });
  expect(again.status).toBe(304);
});
