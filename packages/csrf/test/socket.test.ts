/**
 * csrf() on a real server on 127.0.0.1, under lint(), behind proxyFix: fetch's own
 * requests (which send no Sec-Fetch-Site) with Origin headers a browser would send, a
 * request from behind a TLS proxy, and the token mode's round trip: a GET that sets
 * the cookie, then a urlencoded form post the app still reads in full.
 */
import { compose, readBody, type Application } from '@tsgi/core';
import { lint } from '@tsgi/lint';
import { proxyFix } from '@tsgi/proxy-fix';
import { serve, type Served } from '@tsgi/server';
import { CSRF_TOKEN_KEY, csrf } from '@tsgi/csrf';

const echo: Application = async (environ, startResponse) => {
  const body = await readBody(environ);
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  const token = environ[CSRF_TOKEN_KEY];
  return [Buffer.from(`${environ.REQUEST_METHOD} ${typeof token === 'string' ? token : '-'} ${Buffer.from(body).toString()}`)];
};

let stateless: Served;
let tokens: Served;

beforeAll(async () => {
  stateless = await serve(lint(compose(proxyFix(), csrf())(lint(echo))), { host: '127.0.0.1', port: 0 });
  tokens = await serve(lint(compose(proxyFix(), csrf({ token: { keys: ['a socket-test secret, thirty-two bytes+'] } }))(lint(echo))), { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await stateless?.close();
  await tokens?.close();
});

test('Origin of the server itself passes; another origin is a 403 with its reason', async () => {
  const own = new URL(stateless.url).origin;
  const ok = await fetch(`${stateless.url}/`, { method: 'POST', headers: { Origin: own }, body: 'x=1' });
  expect([ok.status, await ok.text()]).toEqual([200, 'POST - x=1']);
  const refused = await fetch(`${stateless.url}/`, { method: 'POST', headers: { Origin: 'http://evil.localhost' }, body: 'x=1' });
  expect(refused.status).toBe(403);
  expect(await refused.text()).toBe("Forbidden: the Origin header is not this site's origin nor a trusted one.\n");
});

test('Sec-Fetch-Site: cross-site is a 403 whatever the Content-Type, none at all included', async () => {
  for (const type of [undefined, 'text/plain', 'application/json', 'application/x-www-form-urlencoded']) {
    const headers: Record<string, string> = { 'Sec-Fetch-Site': 'cross-site' };
    if (type !== undefined) headers['Content-Type'] = type;
    const res = await fetch(`${stateless.url}/`, { method: 'POST', headers, body: new Uint8Array([120]) });
    expect([type, res.status]).toEqual([type, 403]);
  }
});

test('behind a TLS proxy: the https:// Origin of the public host passes once proxyFix has set the scheme', async () => {
  const host = new URL(stateless.url).host;
  const direct = await fetch(`${stateless.url}/`, { method: 'POST', headers: { Origin: `https://${host}` } });
  expect(direct.status).toBe(403);
  const proxied = await fetch(`${stateless.url}/`, { method: 'POST', headers: { Origin: `https://${host}`, 'X-Forwarded-Proto': 'https' } });
  expect(proxied.status).toBe(200);
});

test('token mode: GET sets the cookie; a form post with the field passes and the app reads the whole body; without it, 403', async () => {
  const page = await fetch(`${tokens.url}/`);
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const token = (await page.text()).split(' ')[1]!;
  expect(cookie).toBe(`csrf=${token}`);
  const form = `title=hi&_csrf=${encodeURIComponent(token)}`;
  const posted = await fetch(`${tokens.url}/`, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  expect([posted.status, await posted.text()]).toEqual([200, `POST ${token} ${form}`]);
  const missing = await fetch(`${tokens.url}/`, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'title=hi' });
  expect(missing.status).toBe(403);
});
