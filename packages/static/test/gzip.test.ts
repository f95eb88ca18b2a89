/**
 * @tsgi/static with gzip() over a real socket: precompressed siblings chosen by
 * Accept-Encoding and never compressed again, and ETags that stay right when gzip()
 * compresses on the fly (weak on the compressed variant, still answered with 304 by
 * the weak comparison of If-None-Match, never passing the strong one of If-Match).
 */
import zlib from 'node:zlib';
import { compose, type Application } from '@tsgi/core';
import { gzip } from '@tsgi/gzip';
import type { Served } from '@tsgi/server';
import { conditionalGet, etag, staticFiles } from '../src/index.js';
import { APP_JS, makeTree, request, serveLinted, type Tree } from './fixture.js';

let tree: Tree;
let served: Served;
beforeAll(async () => {
  tree = makeTree();
  served = await serveLinted(gzip()(staticFiles({ root: tree.root, precompressed: true })));
});
afterAll(async () => {
  await served.close();
  tree.remove();
});

describe('precompressed siblings under gzip()', () => {
  it.each([
    ['br, gzip', 'br', zlib.brotliDecompressSync],
    ['gzip', 'gzip', zlib.gunzipSync],
    ['gzip;q=1, br;q=0.5', 'gzip', zlib.gunzipSync],
    ['x-gzip', 'gzip', zlib.gunzipSync],
  ])('Accept-Encoding %s gets the %s sibling, sent as built', async (accept, coding, decode) => {
    const reply = await request(served.url, '/app.js', { 'Accept-Encoding': accept });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe(coding);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers.vary).toBe('Accept-Encoding');
    // One decode gives the original: gzip() did not compress it a second time.
    expect(decode(reply.body).equals(APP_JS)).toBe(true);
    expect(reply.headers['content-length']).toBe(String(reply.body.byteLength));
  });

  it('each variant has its own strong ETag', async () => {
    const tags = new Set<string>();
    for (const accept of ['br', 'gzip', 'identity']) {
      const reply = await request(served.url, '/app.js', { 'Accept-Encoding': accept });
      tags.add(reply.headers.etag!);
      expect(reply.headers.etag).toMatch(/^"/);
    }
    expect(tags.size).toBe(3);
  });

  it('identity gets the original file, with Vary', async () => {
    const reply = await request(served.url, '/app.js', { 'Accept-Encoding': 'identity' });
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers.vary).toBe('Accept-Encoding');
    expect(reply.body.equals(APP_JS)).toBe(true);
  });

  it('a coding with no sibling is left to gzip(), which weakens the ETag', async () => {
    const identity = await request(served.url, '/style.css', { 'Accept-Encoding': 'identity' });
    const deflated = await request(served.url, '/style.css', { 'Accept-Encoding': 'deflate' });
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(deflated.headers.etag).toBe(`W/${identity.headers.etag}`);
    expect(zlib.inflateSync(deflated.body).equals(identity.body)).toBe(true);
  });

  it('the compressed variant revalidates with its weak tag: 304, while If-Match refuses it: 412', async () => {
    const first = await request(served.url, '/style.css', { 'Accept-Encoding': 'deflate' });
    const weak = first.headers.etag!;
    const again = await request(served.url, '/style.css', { 'Accept-Encoding': 'deflate', 'If-None-Match': weak });
    expect([again.status, again.body.byteLength]).toEqual([304, 0]);
    const ifMatch = await request(served.url, '/style.css', { 'Accept-Encoding': 'deflate', 'If-Match': weak });
    expect(ifMatch.status).toBe(412);
  });
});

describe('conditionalGet() and etag() for any app, under gzip()', () => {
  const PAGE = Buffer.from('<p>a dynamic page that compresses well</p>\n'.repeat(60));
  let calls = 0;
  const page: Application = (_environ, startResponse) => {
    calls++;
    startResponse('200 OK', [['Content-Type', 'text/html; charset=utf-8']]);
    return [PAGE];
  };
  let stack: Served;
  beforeAll(async () => {
    stack = await serveLinted(compose(gzip(), conditionalGet(), etag())(page));
  });
  afterAll(() => stack.close());

  it('identity gets a strong tag of the bytes, the gzip variant its weak form', async () => {
    const identity = await request(stack.url, '/', { 'Accept-Encoding': 'identity' });
    const compressed = await request(stack.url, '/', { 'Accept-Encoding': 'gzip' });
    expect(identity.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers.etag).toBe(`W/${identity.headers.etag}`);
    expect(zlib.gunzipSync(compressed.body).equals(PAGE)).toBe(true);
  });

  it('both tags revalidate to 304 with no body; a changed page does not', async () => {
    const identity = await request(stack.url, '/', { 'Accept-Encoding': 'identity' });
    const strong = identity.headers.etag!;
    for (const [accept, tag] of [['identity', strong], ['gzip', `W/${strong}`]] as const) {
      const reply = await request(stack.url, '/', { 'Accept-Encoding': accept, 'If-None-Match': tag });
      expect([accept, reply.status, reply.body.byteLength, reply.headers['content-encoding']]).toEqual([accept, 304, 0, undefined]);
      expect(reply.headers.etag).toBe(strong);
    }
    const stale = await request(stack.url, '/', { 'Accept-Encoding': 'identity', 'If-None-Match': '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(PAGE)).toBe(true);
    expect(calls).toBeGreaterThan(3);
  });
});
