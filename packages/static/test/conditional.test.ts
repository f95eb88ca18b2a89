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

// Not HTTP-dates (RFC 9110 5.6.7), though Date.parse reads each: as a time after the
// file's (a 304 if taken for one) and before it (a 412).
const FUTURE = ['3000', '9999-12-31', 'Tue, 31 Feb 2099 10:00:00 GMT', 'sun, 29 nov 2099 12:00:00 gmt', 'Sun, 29 Nov 2099 12:00:00 +0000', '29 Nov 2099', 'Sun Nov 29 2099'];
const PAST = ['1', '1990', '1999-12-31', 'Tue, 31 Feb 2001 10:00:00 GMT', 'sun, 29 nov 2001 12:00:00 gmt', 'Sun, 29 Nov 2001 12:00:00 +0000', '29 Nov 2001'];

describe('a date that is not an HTTP-date is ignored (RFC 9110 13.1.3, 13.1.4)', () => {
  it.each(FUTURE)('If-Modified-Since: %s is a 200, not a 304', async (value) => {
    expect(Date.parse(value)).toBeGreaterThan(Date.parse(lastModified));
    const reply = await get({ 'If-Modified-Since': value });
    expect([reply.status, reply.body.toString()]).toEqual([200, 'hello world\n']);
  });

  it.each(PAST)('If-Unmodified-Since: %s is a 200, not a 412', async (value) => {
    expect(Date.parse(value)).toBeLessThan(Date.parse(lastModified));
    const reply = await get({ 'If-Unmodified-Since': value });
    expect([reply.status, reply.body.toString()]).toEqual([200, 'hello world\n']);
  });

  it('the obsolete forms are HTTP-dates: RFC 850 and asctime give their 304', async () => {
    const date = new Date(Date.parse(lastModified) + 60_000);
    const [day, dd, month, yyyy, time] = date.toUTCString().split(/,? /) as [string, string, string, string, string];
    const long = { Sun: 'Sunday', Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday' }[day]!;
    expectNotModified(await get({ 'If-Modified-Since': `${long}, ${dd}-${month}-${yyyy.slice(2)} ${time} GMT` }));
    expectNotModified(await get({ 'If-Modified-Since': `${day} ${month} ${dd.replace(/^0/, ' ')} ${time} ${yyyy}` }));
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
