import type { Application, Environ, StartResponse } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { routingArgs } from './routing-args.js';
import { router } from './router.js';

/** An app that answers with its name and what the router matched, as JSON. */
function echo(name: string): Application {
  return function echoApp(environ: Environ, startResponse: StartResponse) {
    const [positional, params] = routingArgs(environ);
    const body = Buffer.from(
      JSON.stringify({ name, params, positional, script: environ.SCRIPT_NAME, path: environ.PATH_INFO }),
    );
    startResponse('200 OK', [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.byteLength)],
    ]);
    return [body];
  };
}

type Echo = { name: string; params: Record<string, string>; positional: string[]; script: string; path: string };

const app = router()
  .get('/', echo('root'))
  .get('/users', echo('list'))
  .post('/users', echo('create'))
  .get('/users/new', echo('new'))
  .get('/users/:id', echo('show'))
  .delete('/users/:id', echo('destroy'))
  .get('/users/:id/edit', echo('edit'))
  .get('/items/:id(\\d+)', echo('item'))
  .get('/files/*path', echo('file'))
  .get('/raw/*', echo('raw'))
  .options('/custom', echo('custom-options'))
  .get('/custom', echo('custom'))
  .all('/any', echo('any'));
const client = testClient(app);

test('static, param, wildcard and root routes dispatch, params in wsgiorg.routing_args', async () => {
  expect((await client.get('/')).json<Echo>().name).toBe('root');
  expect((await client.get('/users')).json<Echo>().name).toBe('list');
  expect((await client.post('/users', { body: '{}' })).json<Echo>().name).toBe('create');
  const show = await client.get('/users/42');
  expect(show.json<Echo>()).toMatchObject({ name: 'show', params: { id: '42' }, positional: [] });
  expect(show.environ['wsgiorg.routing_args']).toEqual([[], { id: '42' }]);
  expect((await client.get('/files/a/b/c.txt')).json<Echo>().params).toEqual({ path: 'a/b/c.txt' });
  // An unnamed wildcard is positional.
  expect((await client.get('/raw/x/y')).json<Echo>()).toMatchObject({ positional: ['x/y'], params: {} });
});

test('precedence: static over param over wildcard, stated by example', async () => {
  expect((await client.get('/users/new')).json<Echo>().name).toBe('new');
  expect((await client.get('/users/new/edit')).json<Echo>()).toMatchObject({ name: 'edit', params: { id: 'new' } });
  expect((await client.get('/items/12')).json<Echo>().name).toBe('item');
  expect((await client.get('/items/abc')).status).toBe(404); // the constraint fails, nothing else matches
});

test('params are decoded from PATH_INFO bytes as UTF-8, and not percent-decoded twice', async () => {
  expect((await client.get('/users/caf%C3%A9')).json<Echo>().params.id).toBe('café');
  expect((await client.get('/users/%E2%82%AC')).json<Echo>().params.id).toBe('€');
  expect((await client.get('/users/%2541')).json<Echo>().params.id).toBe('%41');
  expect((await client.get('/files/%F0%9F%98%80.txt')).json<Echo>().params.path).toBe('😀.txt');
});

test('invalid UTF-8 and malformed escapes are 400, never a crash', async () => {
  for (const path of ['/users/%C3', '/users/%E2%82', '/users/%FF', '/files/a/%C0%AF']) {
    const res = await client.get(path);
    expect([path, res.status]).toEqual([path, 400]);
  }
  // With the raw target known (tsgi's server sets REQUEST_URI), `%zz` is malformed.
  const noUri = await client.get('/users/%zz');
  expect(noUri.json<Echo>().params.id).toBe('%zz'); // no raw target: a literal '%', like a decoded %25
  const strict = testClient(app, { environ: { REQUEST_URI: '/users/%zz' } });
  expect((await strict.get('/users/%zz')).status).toBe(400);
  const fine = testClient(app, { environ: { REQUEST_URI: '/users/%25zz' } });
  expect((await fine.get('/users/%25zz')).json<Echo>().params.id).toBe('%zz');
});

test('%2F is already a slash in PATH_INFO: no param match, a wildcard gets it', async () => {
  expect((await client.get('/users/a%2Fb')).status).toBe(404);
  expect((await client.get('/files/a%2Fb')).json<Echo>().params.path).toBe('a/b');
});

test('404 when no path matches; the notFound option replaces it', async () => {
  const res = await client.get('/nope');
  expect(res.status).toBe(404);
  expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
  expect(res.text).toBe('Not Found\n');
  const custom = testClient(router({ notFound: echo('fallback') }).get('/a', echo('a')));
  expect((await custom.get('/b')).json<Echo>().name).toBe('fallback');
});

test('405 with Allow when the path matches other methods', async () => {
  const res = await client.put('/users/7');
  expect(res.status).toBe(405);
  expect(res.header('allow')).toBe('GET, HEAD, DELETE, OPTIONS');
  expect((await client.patch('/users')).header('allow')).toBe('GET, HEAD, POST, OPTIONS');
});

test('Allow follows routes added after a 405 was answered, and unions every pattern at the path', async () => {
  const r = router().get('/docs/:id', echo('doc')).put('/docs/*rest', echo('upload'));
  const c = testClient(r);
  expect((await c.delete('/docs/1')).header('allow')).toBe('GET, HEAD, PUT, OPTIONS');
  r.delete('/docs/:id', echo('remove')).post('/docs/*rest', echo('post'));
  expect((await c.delete('/docs/1')).json<Echo>().name).toBe('remove');
  expect((await c.patch('/docs/1')).header('allow')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
  // Only the wildcard answers deeper down.
  expect((await c.patch('/docs/1/2')).header('allow')).toBe('POST, PUT, OPTIONS');
  // The same table asked twice gives the same header, and a 404 in between leaves no trace.
  expect((await c.get('/nope')).status).toBe(404);
  expect((await c.patch('/docs/1/2')).header('allow')).toBe('POST, PUT, OPTIONS');
  expect((await c.options('/docs/1')).header('allow')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
});

test('Allow does not depend on the order methods and patterns were added, and lists each method once', async () => {
  const routes: Array<[string, string]> = [
    ['DELETE', '/t/:id'],
    ['GET', '/t/new'],
    ['PUT', '/t/*rest'],
    ['GET', '/t/:id'],
    ['POST', '/t/new'],
    ['PATCH', '/t/*rest'],
    ['BREW', '/t/:id'],
  ];
  const expected = {
    '/t/new': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, BREW',
    '/t/7': 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS, BREW',
    '/t/7/8': 'PUT, PATCH, OPTIONS',
  };
  for (const order of [routes, routes.slice().reverse(), [...routes.slice(3), ...routes.slice(0, 3)]]) {
    const r = router();
    for (const [method, pattern] of order) r.route(method, pattern, echo(`${method} ${pattern}`));
    const c = testClient(r);
    for (const [path, allow] of Object.entries(expected)) {
      // Twice: the second answer comes from the header kept on the table.
      for (let i = 0; i < 2; i++) {
        // LINK: a method no route has; POST and DELETE: ones some other path has.
        for (const method of path === '/t/new' ? ['LINK'] : ['LINK', path === '/t/7' ? 'POST' : 'DELETE']) {
          const res = await c.request(method, path);
          expect([res.status, res.header('allow')]).toEqual([405, allow]);
        }
        expect((await c.options(path)).header('allow')).toBe(allow);
      }
    }
    // A method one pattern has is found past another that lacks it.
    expect((await c.delete('/t/new')).json<Echo>().name).toBe('DELETE /t/:id');
    expect((await c.put('/t/new')).json<Echo>().name).toBe('PUT /t/*rest');
    expect((await c.head('/t/new')).status).toBe(200);
  }
});

test('a static route and a param route at the same depth with different methods: each method finds its own, others 405', async () => {
  const r = router().post('/v/new', echo('create')).get('/v/:id(\\d+)', echo('show')).delete('/v/:slug', echo('drop'));
  const c = testClient(r);
  expect((await c.post('/v/new')).json<Echo>().name).toBe('create');
  expect((await c.delete('/v/new')).json<Echo>().name).toBe('drop');
  expect((await c.get('/v/12')).json<Echo>().name).toBe('show');
  // `new` is not digits: the constrained GET does not answer it, so GET is not allowed there.
  expect((await c.get('/v/new')).header('allow')).toBe('POST, DELETE, OPTIONS');
  expect((await c.put('/v/12')).header('allow')).toBe('GET, HEAD, DELETE, OPTIONS');
  expect((await c.put('/v/abc')).header('allow')).toBe('DELETE, OPTIONS');
});

test('a wildcard with some methods under a route with others: Allow at each depth, HEAD by GET through the wildcard', async () => {
  const r = router().get('/w/*path', echo('read')).put('/w/a', echo('put-a')).post('/w/:x/b', echo('post-b'));
  const c = testClient(r);
  expect((await c.delete('/w/a')).header('allow')).toBe('GET, HEAD, PUT, OPTIONS');
  expect((await c.delete('/w/z/b')).header('allow')).toBe('GET, HEAD, POST, OPTIONS');
  expect((await c.delete('/w/z/c')).header('allow')).toBe('GET, HEAD, OPTIONS');
  expect((await c.delete('/w/')).header('allow')).toBe('GET, HEAD, OPTIONS');
  expect((await c.head('/w/a')).status).toBe(200);
  expect((await c.get('/w/a')).json<Echo>().name).toBe('read');
  expect((await c.delete('/w')).status).toBe(404);
});

test('HEAD is served by the GET route; the body is closed, not sent', async () => {
  const res = await client.head('/users/9');
  expect(res.status).toBe(200);
  expect(res.body.byteLength).toBe(0);
  expect(res.header('content-type')).toBe('application/json');
  expect(res.environ['wsgiorg.routing_args']).toEqual([[], { id: '9' }]);
});

test('OPTIONS is answered with 204 and Allow unless a route handles it', async () => {
  const res = await client.options('/users');
  expect(res.status).toBe(204);
  expect(res.header('allow')).toBe('GET, HEAD, POST, OPTIONS');
  expect(res.body.byteLength).toBe(0);
  expect((await client.options('/custom')).json<Echo>().name).toBe('custom-options');
  expect((await client.options('/nope')).status).toBe(404);
  // An `all` route takes every method, OPTIONS and unknown ones included.
  expect((await client.options('/any')).json<Echo>().name).toBe('any');
  expect((await client.request('BREW', '/any')).json<Echo>().name).toBe('any');
});

test('trailingSlash strict (default): /a and /a/ are different paths', async () => {
  const strict = testClient(router().get('/a', echo('a')).get('/b/', echo('b')));
  expect((await strict.get('/a')).status).toBe(200);
  expect((await strict.get('/a/')).status).toBe(404);
  expect((await strict.get('/b/')).status).toBe(200);
  expect((await strict.get('/b')).status).toBe(404);
});

test('trailingSlash redirect: 308 to the other spelling, keeping SCRIPT_NAME and the query', async () => {
  const r = router({ trailingSlash: 'redirect' }).get('/a', echo('a')).post('/b/', echo('b'));
  const c = testClient(r, { environ: { SCRIPT_NAME: '/app' } });
  const res = await c.get('/a/?x=1&y=%20');
  expect(res.status).toBe(308);
  expect(res.header('location')).toBe('/app/a?x=1&y=%20');
  expect((await c.post('/b')).header('location')).toBe('/app/b/');
  expect((await c.get('/a')).status).toBe(200);
  // A route that matches as spelled wins over a redirect.
  const wild = router({ trailingSlash: 'redirect' }).get('/a', echo('a')).get('/*rest', echo('w'));
  expect((await testClient(wild).get('/a/')).json<Echo>().name).toBe('w');
  // Only when the request's method is answered there.
  const r2 = router({ trailingSlash: 'redirect' }).post('/only-post', echo('p'));
  expect((await testClient(r2).get('/only-post/')).status).toBe(404);
  // Never a protocol-relative Location (an open redirect to another host).
  const r3 = router({ trailingSlash: 'redirect' }).get('/:a', echo('a'));
  expect((await testClient(r3).get('//evil.example/')).status).toBe(404);
});

test('trailingSlash ignore: one trailing slash does not matter, wildcards still see it', async () => {
  const r = router({ trailingSlash: 'ignore' }).get('/a', echo('a')).get('/b/', echo('b')).get('/f/*p', echo('f'));
  const c = testClient(r);
  for (const path of ['/a', '/a/', '/b', '/b/']) expect([path, (await c.get(path)).status]).toEqual([path, 200]);
  expect((await c.get('/a//')).status).toBe(404);
  expect((await c.get('/f/')).json<Echo>().params).toEqual({ p: '' });
  expect((await c.get('/f/x/')).json<Echo>().params).toEqual({ p: 'x' });
});

test('matches PATH_INFO only: an empty PATH_INFO is /, SCRIPT_NAME is ignored', async () => {
  const c = testClient(app, { environ: { SCRIPT_NAME: '/users', PATH_INFO: '' } });
  const res = await c.get('/');
  expect(res.json<Echo>()).toMatchObject({ name: 'root', script: '/users' });
});

test('routing args add to what an outer router left', async () => {
  const inner = router().get('/:b', echo('inner'));
  const outer = router().all('/:a/*', function shift(environ, startResponse) {
    const [positional] = routingArgs(environ);
    environ.SCRIPT_NAME += environ.PATH_INFO.slice(0, environ.PATH_INFO.length - positional[0]!.length - 1);
    environ.PATH_INFO = '/' + positional[0];
    return inner(environ, startResponse);
  });
  const res = await testClient(outer).get('/x/y');
  expect(res.json<Echo>()).toMatchObject({ params: { a: 'x', b: 'y' }, positional: ['y'] });
});

test('the matched app gets the environ and its body comes back untouched (an array stays an array)', () => {
  const body = [Buffer.from('hi')];
  const r = router().get('/x', function x(_e, startResponse) {
    startResponse('200 OK', []);
    return body;
  });
  const returned = r({ REQUEST_METHOD: 'GET', PATH_INFO: '/x', SCRIPT_NAME: '' } as Environ, () => () => {});
  expect(returned).toBe(body);
});

test('bad options and routes throw TypeErrors naming them', () => {
  expect(() => router({ trailingSlash: 'sometimes' as 'strict' })).toThrow(/trailingSlash/);
  expect(() => router({ notFound: 'x' as unknown as Application })).toThrow(/notFound/);
  expect(() => router().route('GE T', '/x', echo('x'))).toThrow(/HTTP method/);
  expect(() => router().get('/x', null as unknown as Application)).toThrow(TypeError);
  expect(() => router().get('x', echo('x'))).toThrow(/starting with '\/'/);
  const r = router().route(['GET', 'POST'], '/both', echo('both'));
  expect(() => r.post('/both', echo('again'))).toThrow(/conflicts/);
});

describe("tsgi.route: the matched route's template", () => {
  const route = async (method: string, path: string, c = client) =>
    (await c.request(method, path)).environ['tsgi.route'] as string | undefined;

  test('is the pattern as written, for static, param, constrained and wildcard routes', async () => {
    expect(await route('GET', '/')).toBe('/');
    expect(await route('GET', '/users')).toBe('/users');
    expect(await route('GET', '/users/42')).toBe('/users/:id');
    expect(await route('DELETE', '/users/42')).toBe('/users/:id');
    expect(await route('GET', '/users/42/edit')).toBe('/users/:id/edit');
    expect(await route('GET', '/items/7')).toBe('/items/:id(\\d+)');
    expect(await route('GET', '/files/a/b.txt')).toBe('/files/*path');
    expect(await route('HEAD', '/users/42')).toBe('/users/:id'); // served by the GET route
    expect(await route('PATCH', '/any')).toBe('/any');
  });

  test('a 404, 405 or answered OPTIONS has none, even when an outer layer had set one', async () => {
    const stale: Application = (environ, start) => {
      environ['tsgi.route'] = '/outer/*';
      return app(environ, start);
    };
    const c = testClient(stale);
    expect(await route('GET', '/nowhere', c)).toBeUndefined();
    expect(await route('PUT', '/users/42', c)).toBeUndefined();
    expect(await route('OPTIONS', '/users/42', c)).toBeUndefined();
  });

  test('goes under SCRIPT_NAME, decoded as UTF-8 like the pattern', async () => {
    const mounted: Application = (environ, start) => {
      environ.SCRIPT_NAME = '/caf\u00c3\u00a9'; // /café as PATH_INFO bytes
      return app(environ, start);
    };
    expect(await route('GET', '/users/1', testClient(mounted))).toBe('/café/users/:id');
  });

  test("with trailingSlash 'ignore', the pattern without its trailing slash", async () => {
    const c = testClient(router({ trailingSlash: 'ignore' }).get('/a/:b/', echo('x')));
    expect(await route('GET', '/a/1/', c)).toBe('/a/:b');
    expect(await route('GET', '/a/1', c)).toBe('/a/:b');
  });
});
