import fc from 'fast-check';
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { normalizePath } from './normalize-path.js';
import { router } from './router.js';
import { urlMap } from './url-map.js';

type Seen = { name: string; script: string; path: string };

function echo(name: string): Application {
  return function echoApp(environ: Environ, startResponse: StartResponse) {
    const body = Buffer.from(JSON.stringify({ name, script: environ.SCRIPT_NAME, path: environ.PATH_INFO }));
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [body];
  };
}

const site = urlMap({
  '/': echo('root'),
  '/admin': echo('admin'),
  '/admin/users': echo('admin-users'),
  '/api/v1/': echo('api'),
});
const client = testClient(site);
const seen = async (path: string, c = client) => (await c.get(path)).json<Seen>();

test('the prefix moves from PATH_INFO to SCRIPT_NAME', async () => {
  expect(await seen('/admin')).toEqual({ name: 'admin', script: '/admin', path: '' });
  expect(await seen('/admin/')).toEqual({ name: 'admin', script: '/admin', path: '/' });
  expect(await seen('/admin/x/y')).toEqual({ name: 'admin', script: '/admin', path: '/x/y' });
  expect(await seen('/api/v1/things')).toEqual({ name: 'api', script: '/api/v1', path: '/things' });
  expect(await seen('/elsewhere')).toEqual({ name: 'root', script: '', path: '/elsewhere' });
});

test('prefixes match on segment boundaries only, longest first whatever the order given', async () => {
  expect((await seen('/adminx')).name).toBe('root');
  expect((await seen('/admin/users')).name).toBe('admin-users');
  expect((await seen('/admin/usersx')).name).toBe('admin');
  const reversed = testClient(urlMap([['/a/b', echo('ab')], ['/a', echo('a')]]));
  expect((await seen('/a/b/c', reversed)).name).toBe('ab');
  const forward = testClient(urlMap([['/a', echo('a')], ['/a/b', echo('ab')]]));
  expect((await seen('/a/b/c', forward)).name).toBe('ab');
});

test('dot-segments and doubled slashes are normalised before matching; the app sees the result', async () => {
  expect(await seen('/public/../admin/x')).toEqual({ name: 'admin', script: '/admin', path: '/x' });
  expect(await seen('//admin//x/./y')).toEqual({ name: 'admin', script: '/admin', path: '/x/y' });
  expect(await seen('/admin/x/..')).toEqual({ name: 'admin', script: '/admin', path: '/' });
  expect(await seen('/../../admin')).toEqual({ name: 'admin', script: '/admin', path: '' });
});

test('encoded forms cannot bypass a prefix: the gateway decoded them already', async () => {
  // %2F is '/' in PATH_INFO: it matches /admin (the safe direction: auth still applies).
  expect(await seen('/admin%2Fx')).toEqual({ name: 'admin', script: '/admin', path: '/x' });
  expect((await seen('/%61dmin')).name).toBe('admin');
  expect((await seen('/public/%2e%2e/admin')).name).toBe('admin');
  expect((await seen('/public/%2E%2E%2Fadmin')).name).toBe('admin');
});

test('no match is 404, or the notFound app', async () => {
  const only = testClient(urlMap({ '/a': echo('a') }));
  expect((await only.get('/b')).status).toBe(404);
  expect((await only.get('/ab')).status).toBe(404);
  const fallback = testClient(urlMap({ '/a': echo('a') }, { notFound: echo('nf') }));
  expect((await seen('/b', fallback)).name).toBe('nf');
});

test('host keys match the Host header (port only when the key has one) before plain keys', async () => {
  const hosts = testClient(
    urlMap({
      '/': echo('any'),
      'http://example.com/': echo('example'),
      '//example.com:8080/admin': echo('example-8080-admin'),
    }),
  );
  const as = async (host: string, path = '/') => (await hosts.get(path, { headers: { Host: host } })).json<Seen>().name;
  expect(await as('example.com')).toBe('example');
  expect(await as('EXAMPLE.com:9000')).toBe('example');
  expect(await as('example.com:8080', '/admin/x')).toBe('example-8080-admin');
  expect(await as('example.com', '/admin/x')).toBe('example');
  expect(await as('other.org')).toBe('any');
});

test('mounts compose: an outer SCRIPT_NAME is kept, a router inside sees the shifted PATH_INFO', async () => {
  const api = router({ trailingSlash: 'redirect' }).get('/', echo('api-root')).get('/users/:id', echo('user'));
  const nested = testClient(urlMap({ '/outer': urlMap({ '/api': api }) }));
  expect(await seen('/outer/api/users/3', nested)).toEqual({ name: 'user', script: '/outer/api', path: '/users/3' });
  expect(await seen('/outer/api', nested)).toEqual({ name: 'api-root', script: '/outer/api', path: '' });
  expect(await seen('/outer/api/', nested)).toEqual({ name: 'api-root', script: '/outer/api', path: '/' });
  expect((await nested.get('/outer/api/users/3/')).header('location')).toBe('/outer/api/users/3');
});

test('bad maps throw TypeErrors', () => {
  expect(() => urlMap({ admin: echo('x') })).toThrow(/starting with '\/'/);
  expect(() => urlMap({ '/a': 'x' as unknown as Application })).toThrow(/must be a function/);
  expect(() => urlMap({ '/a': echo('1'), '/a/': echo('2') })).toThrow(/twice/);
  expect(() => urlMap({}, { notFound: 1 as unknown as Application })).toThrow(/notFound/);
});

test('normalizePath', () => {
  expect(normalizePath('')).toBe('');
  expect(normalizePath('/')).toBe('/');
  expect(normalizePath('/a/b')).toBe('/a/b');
  expect(normalizePath('/a/./b/../c')).toBe('/a/c');
  expect(normalizePath('/a/b/..')).toBe('/a/');
  expect(normalizePath('/..')).toBe('/');
  expect(normalizePath('///')).toBe('/');
  expect(normalizePath('/a//')).toBe('/a/');
  expect(normalizePath('/.a/..b/...')).toBe('/.a/..b/...');
  expect(normalizePath('*')).toBe('*');
});

const segment = fc.oneof(
  fc.constantFrom('', '.', '..', 'admin', 'adminx', 'api', 'v1', 'x', '%2F', '%2e%2e', 'caf%C3%A9', '%61dmin'),
  fc.stringMatching(/^[a-z.]{1,4}$/),
);

test('property: the mounted app sees SCRIPT_NAME + PATH_INFO equal to the normalised request path', async () => {
  const mounts = ['/admin', '/api', '/api/v1', '/x/admin'];
  const apps = Object.fromEntries(mounts.map((m) => [m, echo(m)]));
  const c = testClient(urlMap({ ...apps, '/': echo('/') }), { environ: { SCRIPT_NAME: '/base' } });
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (segments) => {
      const path = '/' + segments.join('/');
      const res = await c.get(path);
      const got = res.json<Seen>();
      const expected = normalizePath(decodeLatin1(path));
      expect({ path, joined: got.script + got.path }).toEqual({ path, joined: '/base' + expected });
      // The winner is the longest mount on a segment boundary of the normalised path.
      const best = mounts.filter((m) => expected === m || expected.startsWith(m + '/')).sort((a, b) => b.length - a.length)[0];
      expect(got.name).toBe(best ?? '/');
    }),
    { numRuns: 200 },
  );
});

/** The gateway's percent-decoding, for the property's expected value. */
function decodeLatin1(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe('tsgi.route through mounts', () => {
  const route = async (c: ReturnType<typeof testClient>, path: string) =>
    (await c.get(path)).environ['tsgi.route'] as string | undefined;

  test('a mounted app that is no router gets the mount as /prefix/*; the root mount adds nothing', async () => {
    expect(await route(client, '/admin/x')).toBe('/admin/*');
    expect(await route(client, '/admin')).toBe('/admin/*');
    expect(await route(client, '/api/v1/things')).toBe('/api/v1/*');
    expect(await route(client, '/elsewhere')).toBeUndefined();
  });

  test('prefixes compose: urlMap in urlMap in front of a router gives the whole template', async () => {
    const users = router().get('/users/:id', echo('user'));
    const c = testClient(urlMap({ '/api': urlMap({ '/v1': users }) }));
    expect(await route(c, '/api/v1/users/7')).toBe('/api/v1/users/:id');
    // The router's miss clears the mount's route: a 404 has none.
    expect(await route(c, '/api/v1/nobody')).toBeUndefined();
    expect(await route(c, '/other')).toBeUndefined();
  });
});
