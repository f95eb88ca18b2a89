/**
 * csrf() as tables under testClient (lint on): the stateless check (method, Sec-Fetch-Site,
 * Origin, the request's own origin as proxyFix would leave it), then token mode.
 */
import { HttpError, readBody, type Application } from '@tsgi/core';
import { testClient } from '@tsgi/testing';
import { CSRF_TOKEN_KEY, csrf, type CsrfOptions } from './index.js';

const SITE = 'https://shop.example';
const SECRET = 'a test secret of at least thirty-two bytes';

/** Answers 200 with the body it read, so a test sees the app ran and what it got. */
const echo: Application = async (environ, startResponse) => {
  const body = await readBody(environ);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [body.byteLength === 0 ? new TextEncoder().encode('ran') : body];
};

/** The environ of a request to https://shop.example (as after proxyFix behind TLS). */
const HTTPS = { 'wsgi.url_scheme': 'https', HTTP_HOST: 'shop.example', SERVER_NAME: 'shop.example', SERVER_PORT: '443' };

interface Row {
  name: string;
  method?: string;
  headers?: Record<string, string>;
  options?: CsrfOptions;
  environ?: Record<string, string>;
  /** 200 when the app ran; 403 with the reason otherwise. */
  expected: 200 | [403, string];
}

const ROWS: Row[] = [
  { name: 'GET is safe, even cross-site', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, expected: 200 },
  { name: 'HEAD is safe', method: 'HEAD', headers: { 'Sec-Fetch-Site': 'cross-site' }, expected: 200 },
  { name: 'OPTIONS is safe (a preflight)', method: 'OPTIONS', headers: { 'Sec-Fetch-Site': 'cross-site' }, expected: 200 },
  { name: 'TRACE is safe', method: 'TRACE', headers: { 'Sec-Fetch-Site': 'cross-site' }, expected: 200 },
  { name: 'POST same-origin', method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', Origin: SITE }, expected: 200 },
  { name: 'POST none (the user typed it, a bookmark)', method: 'POST', headers: { 'Sec-Fetch-Site': 'none' }, expected: 200 },
  { name: 'POST cross-site', method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, expected: [403, 'cross-site'] },
  { name: 'PUT cross-site', method: 'PUT', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, expected: [403, 'cross-site'] },
  { name: 'DELETE cross-site', method: 'DELETE', headers: { 'Sec-Fetch-Site': 'cross-site' }, expected: [403, 'cross-site'] },
  { name: 'a custom method is unsafe', method: 'PURGE', headers: { 'Sec-Fetch-Site': 'cross-site' }, expected: [403, 'cross-site'] },
  { name: 'cross-site with no Content-Type is still refused (the check is by method)', method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, expected: [403, 'cross-site'] },
  { name: 'cross-site JSON is refused too', method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example', 'Content-Type': 'application/json' }, expected: [403, 'cross-site'] },
  { name: 'same-site refused by default', method: 'POST', headers: { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.shop.example' }, expected: [403, 'same-site'] },
  { name: 'same-site with allowSameSite', method: 'POST', options: { allowSameSite: true }, headers: { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.shop.example' }, expected: 200 },
  { name: 'cross-site from a trusted origin', method: 'POST', options: { trustedOrigins: ['https://app.partner.example'] }, headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.partner.example' }, expected: 200 },
  { name: 'cross-site from a trusted origin configured in another case with its default port', method: 'POST', options: { trustedOrigins: ['https://App.Partner.EXAMPLE:443'] }, headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.partner.example' }, expected: 200 },
  { name: 'cross-site from a trusted app origin of another scheme', method: 'POST', options: { trustedOrigins: ['capacitor://localhost'] }, headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'capacitor://localhost' }, expected: 200 },
  { name: 'cross-site from a look-alike of a trusted origin', method: 'POST', options: { trustedOrigins: ['https://app.partner.example'] }, headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.partner.example.evil.example' }, expected: [403, 'cross-site'] },
  { name: 'an unknown Sec-Fetch-Site value counts as cross-site', method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin, cross-site', Origin: SITE }, expected: [403, 'cross-site'] },
  { name: 'no Sec-Fetch-Site, Origin is the request own origin', method: 'POST', headers: { Origin: SITE }, expected: 200 },
  { name: 'no Sec-Fetch-Site, Origin another site', method: 'POST', headers: { Origin: 'https://evil.example' }, expected: [403, 'origin-mismatch'] },
  { name: 'no Sec-Fetch-Site, Origin http:// of our https:// site', method: 'POST', headers: { Origin: 'http://shop.example' }, expected: [403, 'origin-mismatch'] },
  { name: 'no Sec-Fetch-Site, Origin with another port', method: 'POST', headers: { Origin: 'https://shop.example:8443' }, expected: [403, 'origin-mismatch'] },
  { name: 'no Sec-Fetch-Site, Origin null', method: 'POST', headers: { Origin: 'null' }, expected: [403, 'origin-mismatch'] },
  { name: 'Host with the default port still matches', method: 'POST', environ: { HTTP_HOST: 'Shop.Example:443' }, headers: { Origin: SITE }, expected: 200 },
  {
    name: 'no Host header: SERVER_NAME and SERVER_PORT',
    method: 'POST',
    environ: { HTTP_HOST: '', SERVER_NAME: 'shop.example', SERVER_PORT: '8443' },
    headers: { Origin: 'https://shop.example:8443' },
    expected: 200,
  },
  { name: 'a TLS proxy without proxyFix: the app sees http, the browser says https', method: 'POST', environ: { 'wsgi.url_scheme': 'http' }, headers: { Origin: SITE }, expected: [403, 'origin-mismatch'] },
  { name: 'neither header: allowed by default (curl, servers)', method: 'POST', expected: 200 },
  { name: 'neither header with allowMissingOrigin: false', method: 'POST', options: { allowMissingOrigin: false }, expected: [403, 'missing-origin'] },
];

describe.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
  test('passes or is refused with its reason', async () => {
    const client = testClient(csrf(row.options)(echo), { environ: { ...HTTPS, ...row.environ } });
    const res = await client.request(row.method ?? 'GET', '/', { headers: row.headers ?? {} });
    if (row.expected === 200) {
      expect([res.status, res.environ['tsgi.csrf_error']]).toEqual([200, undefined]);
    } else {
      expect([res.status, res.environ['tsgi.csrf_error']]).toEqual(row.expected);
      expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.text).toMatch(/^Forbidden: .+\.\n$/);
    }
  });
});

test('throwHttpErrors: the refusal is thrown as an HttpError(403) with the same message', async () => {
  const app = csrf({ throwHttpErrors: true })(echo);
  const error = await testClient(app, { environ: HTTPS })
    .post('/', { headers: { 'Sec-Fetch-Site': 'cross-site' } })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).status).toBe(403);
  expect((error as HttpError).message).toMatch(/^Forbidden: cross-site request/);
});

describe('options', () => {
  test.each<[string, unknown, RegExp]>([
    ['a trusted origin with a path', { trustedOrigins: ['https://a.example/'] }, /trustedOrigins: "https:\/\/a\.example\/" is not an origin/],
    ['a trusted origin without a scheme', { trustedOrigins: ['a.example'] }, /is not an origin/],
    // Every sandboxed frame and file: page sends Origin: null; trusting it trusts them all.
    ['null as a trusted origin', { trustedOrigins: ['null'] }, /trustedOrigins: "null" is not an origin to trust/],
    ['allowMissingOrigin not boolean', { allowMissingOrigin: 'no' }, /allowMissingOrigin must be true or false, got "no"/],
    ['token and allowMissingOrigin: true', { token: { keys: [SECRET] }, allowMissingOrigin: true }, /give token or allowMissingOrigin: true, not both/],
    ['a short key', { token: { keys: ['short'] } }, /token\.keys\[0\] must be a string or Uint8Array of at least 32 bytes.*got 5 bytes/],
    ['no keys', { token: { keys: [] } }, /token\.keys must be a non-empty list/],
    ['a header name with _', { token: { keys: [SECRET], header: 'X_CSRF' } }, /token\.header must be a request header name/],
    ['an unknown option', { origin: 'https://a.example' }, /unknown option "origin"/],
  ])('%s', (_name, options, message) => {
    expect(() => csrf(options as CsrfOptions)).toThrow(TypeError);
    expect(() => csrf(options as CsrfOptions)).toThrow(message);
  });

  test('no random bytes or key import at factory time', () => {
    const random = jest.spyOn(globalThis.crypto, 'getRandomValues');
    const importKey = jest.spyOn(globalThis.crypto.subtle, 'importKey');
    try {
      csrf({ token: { keys: [SECRET] } })(echo);
      expect(random).not.toHaveBeenCalled();
      expect(importKey).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
      importKey.mockRestore();
    }
  });
});

describe('token mode (requests with neither header)', () => {
  const options: CsrfOptions = { token: { keys: [SECRET] } };

  /** A GET that gets a token and its cookie, as a page load would. */
  async function fetchToken(app: Application, environ: Record<string, string> = HTTPS): Promise<{ token: string; cookie: string }> {
    const res = await testClient(app, { environ }).get('/');
    const setCookie = res.header('set-cookie')!;
    return { token: res.environ[CSRF_TOKEN_KEY] as string, cookie: setCookie.split(';')[0]! };
  }

  test('a GET gets a token in the environ and the same in a __Host- cookie on HTTPS', async () => {
    const res = await testClient(csrf(options)(echo), { environ: HTTPS }).get('/');
    const token = res.environ[CSRF_TOKEN_KEY] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(res.header('set-cookie')).toBe(`__Host-csrf=${token}; Path=/; SameSite=Lax; HttpOnly; Secure`);
  });

  test('on plain HTTP the cookie is csrf, without Secure', async () => {
    const res = await testClient(csrf(options)(echo), { environ: { ...HTTPS, 'wsgi.url_scheme': 'http' } }).get('/');
    expect(res.header('set-cookie')).toMatch(/^csrf=[^;]+; Path=\/; SameSite=Lax; HttpOnly$/);
  });

  test('a request with a valid cookie keeps its token and gets no new cookie', async () => {
    const app = csrf(options)(echo);
    const { token, cookie } = await fetchToken(app);
    const res = await testClient(app, { environ: HTTPS }).get('/', { headers: { Cookie: cookie } });
    expect(res.environ[CSRF_TOKEN_KEY]).toBe(token);
    expect(res.header('set-cookie')).toBeUndefined();
  });

  test('the token in the header passes', async () => {
    const app = csrf(options)(echo);
    const { token, cookie } = await fetchToken(app);
    const res = await testClient(app, { environ: HTTPS }).post('/', { headers: { Cookie: cookie, 'X-CSRF-Token': token } });
    expect(res.status).toBe(200);
  });

  test('the token in a urlencoded field passes, and the app still reads the whole body', async () => {
    const app = csrf(options)(echo);
    const { token, cookie } = await fetchToken(app);
    const body = `name=z%C3%B6e&_csrf=${encodeURIComponent(token)}&note=x`;
    const res = await testClient(app, { environ: HTTPS }).post('/', {
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
  });

  test('a form sent chunked (no Content-Length) is read and replayed too', async () => {
    const app = csrf(options)(echo);
    const { token, cookie } = await fetchToken(app);
    const parts = [`_csrf=${token.slice(0, 10)}`, `${token.slice(10)}&a=1`].map((s) => new TextEncoder().encode(s));
    const res = await testClient(app, { environ: HTTPS }).post('/', {
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: (async function* () {
        yield* parts;
      })(),
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe(`_csrf=${token}&a=1`);
  });

  test.each<[string, (t: { token: string; cookie: string }) => Record<string, string>, string]>([
    ['no token sent', ({ cookie }) => ({ Cookie: cookie }), 'missing-token'],
    ['a token but no cookie', ({ token }) => ({ 'X-CSRF-Token': token }), 'invalid-token'],
    ['another valid token than the cookie’s', ({ cookie }) => ({ Cookie: cookie, 'X-CSRF-Token': 'OTHER' }), 'invalid-token'],
    ['a forged cookie and the same forged token', () => ({ Cookie: `__Host-csrf=${'A'.repeat(24)}.${'B'.repeat(43)}`, 'X-CSRF-Token': `${'A'.repeat(24)}.${'B'.repeat(43)}` }), 'invalid-token'],
    ['the cookie under the plain-HTTP name on HTTPS', ({ token, cookie }) => ({ Cookie: cookie.replace('__Host-csrf', 'csrf'), 'X-CSRF-Token': token }), 'invalid-token'],
  ])('%s: 403', async (_name, headersFor, reason) => {
    const app = csrf(options)(echo);
    const fetched = await fetchToken(app);
    const other = await fetchToken(app);
    const headers = headersFor(fetched);
    if (headers['X-CSRF-Token'] === 'OTHER') headers['X-CSRF-Token'] = other.token;
    const res = await testClient(app, { environ: HTTPS }).post('/', { headers });
    expect([res.status, res.environ['tsgi.csrf_error']]).toEqual([403, reason]);
  });

  test('headers still decide first: a cross-site request with a valid token is refused, a same-origin one needs none', async () => {
    const app = csrf(options)(echo);
    const { token, cookie } = await fetchToken(app);
    const client = testClient(app, { environ: HTTPS });
    const cross = await client.post('/', { headers: { Cookie: cookie, 'X-CSRF-Token': token, 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(403);
    const same = await client.post('/', { headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(same.status).toBe(200);
  });

  test('key rotation: a token signed by the old key passes once the new key is first', async () => {
    const NEW = 'a newer secret, also thirty-two bytes or more';
    const before = await fetchToken(csrf({ token: { keys: [SECRET] } })(echo));
    const rotated = csrf({ token: { keys: [NEW, SECRET] } })(echo);
    const res = await testClient(rotated, { environ: HTTPS }).post('/', { headers: { Cookie: before.cookie, 'X-CSRF-Token': before.token } });
    expect(res.status).toBe(200);
    const dropped = csrf({ token: { keys: [NEW] } })(echo);
    const refused = await testClient(dropped, { environ: HTTPS }).post('/', { headers: { Cookie: before.cookie, 'X-CSRF-Token': before.token } });
    expect(refused.status).toBe(403);
  });

  test('a form over formLimit is a 413', async () => {
    const app = csrf({ token: { keys: [SECRET], formLimit: 16 } })(echo);
    const res = await testClient(app, { environ: HTTPS }).post('/', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '_csrf=' + 'x'.repeat(100),
    });
    expect([res.status, res.environ['tsgi.csrf_error']]).toEqual([413, 'form-too-large']);
  });
});
