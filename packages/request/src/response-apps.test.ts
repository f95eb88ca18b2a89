import fc from 'fast-check';
import type { Application } from '@tsgi/core';
import { router } from '@tsgi/router';
import { testClient } from '@tsgi/testing';
import { encodeLocation } from './location.js';
import { empty, html, json, redirect, text } from './response-apps.js';

describe('builders are Applications (under lint)', () => {
  test('json(): mounted as a route, and returned from an app', async () => {
    const created: Application = (environ, startResponse) => json({ id: 7 }, { status: 201, headers: { Location: '/users/7' } })(environ, startResponse);
    const app = router().get('/health', json({ ok: true })).post('/users', created);
    const health = await testClient(app).get('/health');
    expect([health.status, health.header('content-type'), health.header('content-length'), health.text]).toEqual([200, 'application/json', '11', '{"ok":true}']);
    const made = await testClient(app).post('/users');
    expect([made.statusLine, made.header('location'), made.json()]).toEqual(['201 Created', '/users/7', { id: 7 }]);
  });

  test('text() and html(): their types with charset, UTF-8 bytes and their length', async () => {
    const t = await testClient(text('zoë\n')).get('/');
    expect([t.header('content-type'), t.header('content-length'), t.text]).toEqual(['text/plain; charset=utf-8', '5', 'zoë\n']);
    const h = await testClient(html('<p>hi</p>', { status: 404 })).get('/');
    expect([h.status, h.header('content-type'), h.text]).toEqual([404, 'text/html; charset=utf-8', '<p>hi</p>']);
  });

  test('a Content-Type in init.headers replaces the builder\'s', async () => {
    const res = await testClient(json({ type: 'about:blank' }, { status: 400, headers: [['Content-Type', 'application/problem+json']] })).get('/');
    expect(res.headerValues('content-type')).toEqual(['application/problem+json']);
  });

  test('cookies: init.cookies and setCookie/deleteCookie, one Set-Cookie each', async () => {
    const app = json({}, { cookies: [{ name: 'a', value: '1', httpOnly: true }] })
      .setCookie('theme', 'dark mode', { path: '/', sameSite: 'lax' })
      .deleteCookie('old', { path: '/' })
      .header('Cache-Control', 'no-store');
    const res = await testClient(app).get('/');
    expect(res.headerValues('set-cookie')).toEqual([
      'a=1; HttpOnly',
      'theme=dark%20mode; Path=/; SameSite=Lax',
      'old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    expect(res.header('cache-control')).toBe('no-store');
    expect(() => app.setCookie('x;Path=/evil', '1')).toThrow(TypeError);
  });

  test('a constant response answers every request the same, and its body is not copied', async () => {
    const app = json({ n: 1 });
    const client = testClient(app);
    const [one, two] = await Promise.all([client.get('/'), client.head('/')]);
    expect(one.text).toBe('{"n":1}');
    expect([two.status, two.body.byteLength, two.header('content-length')]).toEqual([200, 0, '7']);
    expect(app.body).toBe(app.body);
  });

  test('empty(): 204 without Content-Length or Content-Type; another status with Content-Length: 0', async () => {
    const none = await testClient(empty()).get('/');
    expect([none.status, none.header('content-length'), none.header('content-type')]).toEqual([204, undefined, undefined]);
    const accepted = await testClient(empty(202)).get('/');
    expect([accepted.status, accepted.header('content-length')]).toEqual([202, '0']);
    expect((await testClient(empty(304)).get('/')).status).toBe(304);
  });

  test('redirect(): 302 by default, other redirect statuses, the location encoded', async () => {
    const res = await testClient(redirect('/search?q=crème brûlée')).get('/');
    expect([res.status, res.header('location'), res.header('content-length')]).toEqual([302, '/search?q=cr%C3%A8me%20br%C3%BBl%C3%A9e', '0']);
    expect((await testClient(redirect(new URL('https://example.com/a b'), 308)).get('/')).header('location')).toBe('https://example.com/a%20b');
    expect((await testClient(redirect('/after-post', 303)).post('/')).statusLine).toBe('303 See Other');
  });

  test('bad input throws TypeErrors that say what was wrong', () => {
    expect(() => redirect('/x\r\nSet-Cookie: a=b')).toThrow('redirect(): the location has a control character (U+000D) at 2');
    expect(() => redirect('/x\nfoo')).toThrow(TypeError);
    expect(() => redirect('/ok', 200)).toThrow('redirect(): status must be 300, 301, 302, 303, 307 or 308, got 200');
    expect(() => json(undefined)).toThrow('json(): undefined is not a JSON value');
    expect(() => json(1n)).toThrow(TypeError);
    expect(() => text(42 as unknown as string)).toThrow('text(): body must be a string, got number');
    expect(() => json({}, { status: 99 })).toThrow('json(): status must be an integer from 200 to 599, got 99');
    expect(() => empty(101)).toThrow(TypeError);
    expect(() => json({}, { headers: { 'Bad Name': 'x' } })).toThrow('json(): header name "Bad Name" is not an RFC 9110 token');
    expect(() => json({}, { headers: { 'X-A': 'a\r\nb' } })).toThrow(/json\(\): header X-A has a value with CR, LF/);
    expect(() => json({}, { headers: { Connection: 'close' } })).toThrow(/hop-by-hop/);
  });
});

describe('encodeLocation', () => {
  test.each([
    ['/plain/path?a=1&b=2#frag', '/plain/path?a=1&b=2#frag'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['/café', '/caf%C3%A9'],
    ['/100%', '/100%25'],
    ['/50%off', '/50%25off'],
    ['/%4', '/%254'],
    ['/a"<>`{}', '/a%22%3C%3E%60%7B%7D'],
    ['https://例え.jp/パス?q=é', 'https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9?q=%C3%A9'],
  ])('%s -> %s', (location, expected) => {
    expect(encodeLocation(location)).toBe(expected);
  });

  test('refuses control characters and lone surrogates', () => {
    expect(() => encodeLocation('/a\x00b')).toThrow('control character (U+0000) at 2');
    expect(() => encodeLocation('/a\tb')).toThrow(TypeError);
    expect(() => encodeLocation('/a\x7f')).toThrow(TypeError);
    expect(() => encodeLocation('/a\ud800')).toThrow('lone surrogate');
  });
});

describe('body bytes', () => {
  test('any text, short or long, ASCII or not (lone surrogates too), is the UTF-8 TextEncoder gives', () => {
    const encoder = new TextEncoder();
    const texts = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)), maxLength: 4 }));
    fc.assert(
      fc.property(texts, (value) => {
        expect(text(value).body).toEqual(encoder.encode(value));
        expect(html(value).body).toEqual(encoder.encode(value));
        expect(json(value).body).toEqual(encoder.encode(JSON.stringify(value)));
        expect(text(value).headers).toContainEqual(['Content-Length', String(encoder.encode(value).byteLength)]);
      }),
      { numRuns: 500 },
    );
  });

  test('every built app has the same fields, with and without headers or cookies', () => {
    const apps = [json({ a: 1 }), json([], { headers: { 'X-A': '1' } }), text('x', { cookies: [{ name: 'n', value: 'v' }] }), empty(), empty(200), redirect('/a')];
    for (const app of apps) expect(Object.keys(app)).toEqual(['status', 'headers', 'body', 'setCookie', 'deleteCookie', 'header']);
    expect(empty().headers).toEqual([]);
    expect(empty(200).headers).toEqual([['Content-Length', '0']]);
    expect(json({ a: 1 }).headers).toEqual([['Content-Type', 'application/json'], ['Content-Length', '7']]);
  });
});
