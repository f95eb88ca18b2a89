import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compose, encodeNative, type Application, type Environ } from '@tsgi/core';
import { httpErrors } from '@tsgi/errors';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { router } from '@tsgi/router';
import { createEnviron, testClient } from '@tsgi/testing';
import { REQUEST_KEY, request } from './request.js';
import { json, text } from './response-apps.js';

setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

/** An app that answers with what `look` reads from the request view, as JSON. */
function showing(look: (environ: Environ) => unknown | Promise<unknown>): Application {
  return async (environ, startResponse) => json(await look(environ))(environ, startResponse);
}

describe('the view', () => {
  test('method, url, path, query, headers, cookies, ip and remoteUser, read from the environ', async () => {
    const app = showing((environ) => {
      const req = request(environ);
      return {
        method: req.method,
        url: req.url.href,
        path: req.path,
        scriptName: req.scriptName,
        q: req.query.getAll('q'),
        accept: req.headers.get('ACCEPT'),
        type: req.headers.get('content-type'),
        hasX: req.headers.has('x-missing'),
        cookies: { ...req.cookies },
        ip: req.ip,
        user: req.remoteUser,
        contentType: req.contentType,
        contentLength: req.contentLength,
      };
    });
    const res = await testClient(app).post('/caf%C3%A9/x?q=1&q=%C3%A9t%C3%A9', {
      headers: { Accept: 'text/html', 'Content-Type': 'Text/Plain; charset=utf-8', Cookie: 'a=1; b=%E2%9C%93' },
      body: 'hi',
      environ: { REMOTE_USER: encodeNative('李'), SCRIPT_NAME: '/mnt' },
    });
    expect(res.json()).toEqual({
      method: 'POST',
      url: 'http://localhost/mnt/caf%C3%A9/x?q=1&q=%C3%A9t%C3%A9',
      path: '/café/x',
      scriptName: '/mnt',
      q: ['1', 'été'],
      accept: 'text/html',
      type: 'Text/Plain; charset=utf-8',
      hasX: false,
      cookies: { a: '1', b: '✓' },
      ip: '127.0.0.1',
      user: '李',
      contentType: 'text/plain',
      contentLength: 2,
    });
  });

  test('headers iterate like fetch Headers: lower-case names, sorted, Content-* included', () => {
    const { environ } = createEnviron('POST', '/', { headers: { 'X-B': '2', 'x-a': '1', 'Content-Type': 'text/plain' }, body: 'x' });
    const headers = request(environ).headers;
    expect([...headers]).toEqual([
      ['content-length', '1'],
      ['content-type', 'text/plain'],
      ['host', 'localhost'],
      ['x-a', '1'],
      ['x-b', '2'],
    ]);
    expect([...headers.keys()]).toEqual(['content-length', 'content-type', 'host', 'x-a', 'x-b']);
    const seen: string[] = [];
    headers.forEach((value, name) => seen.push(`${name}=${value}`));
    expect(seen).toContain('x-a=1');
    expect(headers.get('X_A')).toBeNull(); // a name with '_' is never a header (environKey)
  });

  test('cached in environ["tsgi.request"]: one view per environ, each part computed once', () => {
    const { environ } = createEnviron('GET', '/a?x=1', { headers: { Cookie: 'c=1' } });
    const req = request(environ);
    expect(environ[REQUEST_KEY]).toBe(req);
    expect(request(environ)).toBe(req);
    expect(req.query).toBe(req.query);
    expect(req.cookies).toBe(req.cookies);
    expect(req.url).toBe(req.url);
  });

  test('a part is computed again when a layer changed the environ value it came from', () => {
    const { environ } = createEnviron('GET', '/api/users?x=1', { headers: { Cookie: 'c=1' } });
    const req = request(environ);
    expect([req.path, req.url.pathname, req.query.get('x'), req.cookies.c]).toEqual(['/api/users', '/api/users', '1', '1']);
    environ.SCRIPT_NAME = '/api';
    environ.PATH_INFO = '/users';
    environ.QUERY_STRING = 'x=2';
    environ.HTTP_COOKIE = 'c=2';
    environ['wsgiorg.routing_args'] = [[], { id: '7' }];
    expect([req.path, req.scriptName, req.url.pathname, req.query.get('x'), req.cookies.c, req.params.id]).toEqual(['/users', '/api', '/api/users', '2', '2', '7']);
  });

  test('params come from the router (wsgiorg.routing_args), decoded', async () => {
    const app = router().get('/users/:id', showing((environ) => request(environ).params));
    expect((await testClient(app).get('/users/zo%C3%AB')).json()).toEqual({ id: 'zoë' });
    expect(request(createEnviron('GET', '/', {}).environ).params).toEqual({});
  });

  test('behind proxyFix, url and ip are what the client used', async () => {
    const app = proxyFix({ host: 1 })(
      showing((environ) => ({ url: request(environ).url.href, ip: request(environ).ip })),
    );
    const res = await testClient(app).get('/p?q=1', { headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'example.com' } });
    expect(res.json()).toEqual({ url: 'https://example.com/p?q=1', ip: '203.0.113.9' });
  });

  test('a Host that makes no URL: url throws a 400', async () => {
    const res = await testClient(httpErrors()(showing((environ) => request(environ).url.href))).get('/', { headers: { Host: 'a b' } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('is not valid: check the Host header');
  });

  test('a copy of the environ gets its own view, sharing the kept body', async () => {
    const { environ } = createEnviron('POST', '/a', { json: { n: 1 } });
    const outer = request(environ);
    const copy: Environ = { ...environ, PATH_INFO: '/b' };
    expect(await outer.json()).toEqual({ n: 1 });
    const inner = request(copy);
    expect(inner).not.toBe(outer);
    expect(inner.path).toBe('/b');
    expect(await inner.json()).toBe(await outer.json());
  });

  test('json() keeps its value for the request: a layer\'s change to it survives a full GC', async () => {
    // A layer that fills in defaults and lets go of the value: the app below must still
    // see them, however the collector ran in between (a weakly held value was parsed
    // anew after a GC, without them).
    const { environ } = createEnviron('POST', '/', { json: { page: 1 } });
    await (async () => {
      const value = await request(environ).json<{ page: number; size?: number }>();
      value.size = 20;
    })();
    await new Promise((resolve) => setTimeout(resolve, 1));
    fullGc();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await request(environ).json()).toEqual({ page: 1, size: 20 });
  });

  test('json() of a primitive or null body is shared too, and read once', async () => {
    for (const value of [42, 'text', null, false]) {
      const { environ } = createEnviron('POST', '/', { json: value });
      const view = request(environ);
      expect(await view.json()).toBe(value);
      expect(await view.json()).toBe(value);
    }
  });
});

describe('bodies', () => {
  const client = (app: Application) => testClient(httpErrors()(app));

  test('json(), then text() and bytes() of the same body: one read, one parse shared', async () => {
    const seen: unknown[] = [];
    const res = await client(
      showing(async (environ) => {
        const req = request(environ);
        const value = await req.json();
        seen.push(value, await request(environ).json());
        return { value, text: await req.text(), bytes: (await req.bytes()).byteLength };
      }),
    ).post('/', { json: { a: [1, 2] } });
    expect(res.json()).toEqual({ value: { a: [1, 2] }, text: '{"a":[1,2]}', bytes: 11 });
    expect(seen[0]).toBe(seen[1]);
  });

  test('after a parse, the app below still reads wsgi.input in full (under lint, which checks the stream)', async () => {
    const below: Application = async (environ, startResponse) => {
      const raw = await environ['wsgi.input'].read();
      return text(new TextDecoder().decode(raw))(environ, startResponse);
    };
    const parseFirst = (app: Application): Application => async (environ, startResponse) => {
      await request(environ).json();
      return app(environ, startResponse);
    };
    const res = await client(parseFirst(lint(below))).post('/', { json: { kept: true } });
    expect(res.text).toBe('{"kept":true}');
  });

  test('a middleware and the app below both parse: the inner one gets the same value through lint', async () => {
    const values: unknown[] = [];
    const inner = showing(async (environ) => {
      values.push(await request(environ).json());
      return 'ok';
    });
    const outer: Application = async (environ, startResponse) => {
      values.push(await request(environ).json());
      return lint(inner)(environ, startResponse);
    };
    await client(outer).post('/', { json: { x: 1 } });
    expect(values).toEqual([{ x: 1 }, { x: 1 }]);
  });

  test('wrong Content-Type: 415 that names what was sent and how to relax it', async () => {
    const app = client(showing((environ) => request(environ).json()));
    const res = await app.post('/', { body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.text).toContain('json(): expected a JSON body (Content-Type application/json or */*+json), got Content-Type "text/plain"');
    expect((await app.post('/', { body: '{}' })).text).toContain('got no Content-Type');
    expect((await app.post('/', { body: '{"a":1}', headers: { 'Content-Type': 'application/vnd.api+json; charset=utf-8' } })).json()).toEqual({ a: 1 });
    const relaxed = client(showing((environ) => request(environ).json({ type: false })));
    expect((await relaxed.post('/', { body: '[1]', headers: { 'Content-Type': 'text/plain' } })).json()).toEqual([1]);
  });

  test('malformed JSON: 400 with a one-line reason', async () => {
    const res = await client(showing((environ) => request(environ).json())).post('/', { body: '{"a":', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/json\(\): the body is not valid JSON: .+/);
  });

  test('JSON over the limit: 413 (Content-Length and chunked)', async () => {
    const app = client(showing((environ) => request(environ).json({ limit: 10 })));
    const declared = await app.post('/', { json: { long: 'x'.repeat(20) } });
    expect(declared.status).toBe(413);
    expect(declared.text).toContain("over json()'s limit of 10 bytes");
    const chunks = [new TextEncoder().encode('{"long":"'), new TextEncoder().encode('x'.repeat(20) + '"}')];
    const chunked = await app.post('/', { body: chunks, headers: { 'Content-Type': 'application/json' } });
    expect(chunked.status).toBe(413);
  });

  test('form(): fields, 415 for another type (multipart named), 413 at 1001 fields or past the size', async () => {
    const app = client(showing(async (environ) => [...(await request(environ).form())]));
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect((await app.post('/', { body: 'a=1&b=x+y&a=%C3%A9', headers: form })).json()).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', 'é'],
    ]);
    const multipart = await app.post('/', { body: '--x--', headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
    expect(multipart.status).toBe(415);
    expect(multipart.text).toContain('read it with multipart()');
    const fields = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&');
    const many = await app.post('/', { body: fields, headers: form });
    expect(many.status).toBe(413);
    expect(many.text).toContain('more than 1000 fields');
    expect((await app.post('/', { body: 'a=' + 'x'.repeat(500_000), headers: form })).status).toBe(413);
  });

  test('text() honours the charset', async () => {
    const app = client(showing((environ) => request(environ).text()));
    const res = await app.post('/', { body: new Uint8Array([0x63, 0x61, 0x66, 0xe9]), headers: { 'Content-Type': 'text/plain; charset=ISO-8859-1' } });
    expect(res.json()).toBe('café');
  });

  test('multipart(): 415 for another type; the body then is streamed, and a later read says so', async () => {
    const { environ } = createEnviron('POST', '/', { body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(() => request(environ).multipart()).toThrow(expect.objectContaining({ status: 415 }));
    const upload = createEnviron('POST', '/', { body: '--x--\r\n', headers: { 'Content-Type': 'multipart/form-data; boundary=x' } }).environ;
    const req = request(upload);
    try {
      req.multipart();
    } catch {
      // The placeholder parser throws until the multipart branch is merged; the body is marked streamed either way.
    }
    await expect(req.json({ type: false })).rejects.toThrow('json(): the request body was already streamed by multipart() and not kept; call bytes() before multipart() to keep it for both');
  });

  test('bad options are TypeErrors naming them', async () => {
    const { environ } = createEnviron('POST', '/', { json: 1 });
    await expect(request(environ).json({ limit: -1 })).rejects.toThrow('json(): limit must be a number of bytes >= 0, got -1');
    await expect(request(environ).form({ maxFields: NaN })).rejects.toThrow('form(): maxFields must be a number of bytes >= 0, got NaN');
    await expect(request(environ).json({ type: ['json'] })).rejects.toThrow("json(): type must be a list of media types such as ['application/json'] or false");
  });
});

test('composes with the rest of the stack', async () => {
  const app = compose(httpErrors())(router().post('/echo', showing((environ) => request(environ).json())));
  expect((await testClient(app).post('/echo', { json: [1, 'two'] })).json()).toEqual([1, 'two']);
});
