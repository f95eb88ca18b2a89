/**
 * Conditional requests against staticFiles over a real socket, in RFC 9110 section
 * 13.2.2's order: If-Match / If-Unmodified-Since (412) before If-None-Match /
 * If-Modified-Since (304), each "If-*-Match" silencing its date twin.
 */
import type { Served } from '@tsgi/server';
import { staticFiles } from '../src/index.js';
import { makeTree, request, serveLinted, type Reply, type Tree } from './fixture.js';

let tree: Tree;
let served: Served;
let etag: string;
let lastModified: string;
beforeAll(async () => {
  tree = makeTree();
  served = await serveLinted(staticFiles({ root: tree.root, maxAge: 30 }));
  const reply = await request(served.url, '/hello.txt');
  etag = reply.headers.etag!;
  lastModified = reply.headers['last-modified']!;
});
afterAll(async () => {
  await served.close();
  tree.remove();
});

const get = (headers: Record<string, string>, method = 'GET'): Promise<Reply> => request(served.url, '/hello.txt', headers, method);
const earlier = (): string => new Date(Date.parse(lastModified) - 60_000).toUTCString();
const later = (): string => new Date(Date.parse(lastModified) + 60_000).toUTCString();

function expectNotModified(reply: Reply): void {
  expect(reply.status).toBe(304);
  expect(reply.body.byteLength).toBe(0);
  expect(reply.headers.etag).toBe(etag);
  expect(reply.headers['cache-control']).toBe('public, max-age=30');
  expect(reply.headers['content-type']).toBeUndefined();
  expect(reply.headers['content-length']).toBeUndefined();
}

describe('304 Not Modified', () => {
  it('If-None-Match with the ETag', async () => expectNotModified(await get({ 'If-None-Match': etag })));
  it('If-None-Match with the weak form of the ETag (weak comparison)', async () =>
    expectNotModified(await get({ 'If-None-Match': `W/${etag}` })));
  it('If-None-Match listing it among others', async () =>
    expectNotModified(await get({ 'If-None-Match': `"x", "y,z", ${etag}` })));
  it('If-None-Match: *', async () => expectNotModified(await get({ 'If-None-Match': '*' })));
  it('If-Modified-Since equal to Last-Modified, and later', async () => {
    expectNotModified(await get({ 'If-Modified-Since': lastModified }));
    expectNotModified(await get({ 'If-Modified-Since': later() }));
  });
  it('HEAD too', async () => expectNotModified(await get({ 'If-None-Match': etag }, 'HEAD')));
});

describe('200 as usual', () => {
  it.each([
    ['another ETag', () => ({ 'If-None-Match': '"other"' })],
    ['an earlier If-Modified-Since', () => ({ 'If-Modified-Since': earlier() })],
    ['a date that does not parse', () => ({ 'If-Modified-Since': 'yesterday' })],
    ['If-None-Match not matching wins over a matching If-Modified-Since', () => ({ 'If-None-Match': '"other"', 'If-Modified-Since': later() })],
    ['If-Match matching', () => ({ 'If-Match': etag })],
    ['If-Match: *', () => ({ 'If-Match': '*' })],
    ['If-Unmodified-Since later', () => ({ 'If-Unmodified-Since': later() })],
    ['If-Match matching makes a failing If-Unmodified-Since irrelevant', () => ({ 'If-Match': etag, 'If-Unmodified-Since': earlier() })],
  ])('%s', async (_what, headers) => {
    const reply = await get(headers());
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('hello world\n');
  });
});

describe('412 Precondition Failed', () => {
  it.each([
    ['If-Match with another ETag', () => ({ 'If-Match': '"other"' })],
    ['If-Match with the weak form (strong comparison)', () => ({ 'If-Match': `W/${etag}` })],
    ['If-Unmodified-Since earlier than Last-Modified', () => ({ 'If-Unmodified-Since': earlier() })],
    ['If-Match failing comes before If-None-Match matching', () => ({ 'If-Match': '"other"', 'If-None-Match': etag })],
  ])('%s', async (_what, headers) => {
    const reply = await get(headers());
    expect(reply.status).toBe(412);
    expect(reply.body.toString()).toBe('412 Precondition Failed\n');
  });
});
