import { connect } from 'node:net';
import type { Application, Environ, StartResponse } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { serve } from '@tsgi/server';
import { cascade, routingArgs, router, urlMap } from '@tsgi/router';

function echo(name: string): Application {
  return function echoApp(environ: Environ, startResponse: StartResponse) {
    const [, params] = routingArgs(environ);
    startResponse('200 OK', [['Content-Type', 'application/json']]);
    return [Buffer.from(JSON.stringify({ name, params, script: environ.SCRIPT_NAME, path: environ.PATH_INFO }))];
  };
}

// lint between the layers too: what urlMap and router hand on (SCRIPT_NAME, PATH_INFO,
// routing_args) is checked where each endpoint receives it.
const api = router({ trailingSlash: 'redirect' })
  .get('/users/:id', lint(echo('user')))
  .post('/users', lint(echo('create')))
  .get('/files/*path', lint(echo('file')));
const site = cascade([urlMap({ '/api': lint(api) }), router().get('/', lint(echo('home')))]);

let served: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  served = await serve(lint(site), { host: '127.0.0.1', port: 0 });
});
afterAll(() => served.close());

/** One raw HTTP/1.1 request, so the request target goes on the wire exactly as written. */
function raw(target: string, method = 'GET'): Promise<string> {
  const { port } = new URL(served.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

test('a router mounted under /api answers over a real socket, params decoded as UTF-8', async () => {
  const res = await fetch(`${served.url}/api/users/caf%C3%A9`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ name: 'user', params: { id: 'café' }, script: '/api', path: '/users/caf\u00c3\u00a9' });
  expect(((await (await fetch(`${served.url}/`)).json()) as { name: string }).name).toBe('home');
});

test('405 with Allow, automatic OPTIONS and HEAD over the wire', async () => {
  const put = await fetch(`${served.url}/api/users`, { method: 'PUT' });
  // The api router says 405; cascade catches it and the last app says 404.
  expect(put.status).toBe(404);
  const direct = await serve(lint(api), { port: 0 });
  try {
    const res = await fetch(`${direct.url}/users`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    const options = await fetch(`${direct.url}/users/1`, { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const head = await fetch(`${direct.url}/users/1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  } finally {
    await direct.close();
  }
});

test('malformed and invalid escapes are 400 over the wire; the server keeps serving', async () => {
  expect(await raw('/api/users/%zz')).toMatch(/^HTTP\/1\.1 400 /);
  expect(await raw('/api/users/%C3%28')).toMatch(/^HTTP\/1\.1 400 /);
  expect(await raw('/api/users/100%')).toMatch(/^HTTP\/1\.1 400 /);
  expect(await raw('/api/users/100%25')).toMatch(/^HTTP\/1\.1 200 /);
  expect(await raw('/api/users/1')).toMatch(/^HTTP\/1\.1 200 /);
});

test('dot-segments and encoded slashes cannot dodge the /api mount', async () => {
  const dotted = await raw('/x/../api/users/7');
  expect(dotted).toMatch(/^HTTP\/1\.1 200 /);
  expect(dotted).toContain('"script":"/api"');
  expect(await raw('/api%2Fusers%2F7')).toContain('"name":"user"');
});

test('trailing-slash redirect carries the mount prefix and the query', async () => {
  const res = await fetch(`${served.url}/api/users/5/?a=1`, { redirect: 'manual' });
  expect(res.status).toBe(308);
  expect(res.headers.get('location')).toBe('/api/users/5?a=1');
});
