import fc from 'fast-check';
import type { Environ } from '@tsgi/core';
import { MASK, maskEnviron, maskQuery, maskUrl, requestLine } from './mask.js';
import { isSecretName, SECRET_NAME_PARTS, SECRET_NAMES } from './secret-name.js';

const M = MASK;

describe('isSecretName', () => {
  test.each([
    // The names, and the ways clients spell them.
    'key', 'KEY', 'sig', 'code', 'pass', 'pw', 'pwd', 'api+key', 'api key', 'api_key', 'api-key', 'apikey', 'Api-Key', 'API.KEY',
    'access_token', 'token', 'refresh_token', 'id_token', 'secret', 'client_secret', 'password', 'passwd', 'new_password',
    'signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'X-Goog-Signature', 'auth', 'oauth_token',
    'session', 'sessionid', 'PHPSESSID', 'jsessionid', 'sid', 'csrf_token', 'XSRF-TOKEN', 'private_key', 'otp', 'code_verifier',
    'passphrase', 'ticket', 'jwt', 'x-sig', 'x_key',
    // Environ keys: the HTTP_ prefix goes before matching.
    'HTTP_AUTHORIZATION', 'HTTP_PROXY_AUTHORIZATION', 'HTTP_X_API_KEY', 'HTTP_X_AMZ_SECURITY_TOKEN', 'HTTP_X_AMZN_OIDC_DATA', 'HTTP_COOKIE', 'tsgi.auth',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  test.each([
    'q', 'page', 'sort', 'state', 'lang', 'redirect_uri', 'client_id', 'user', 'email', 'expires_in', 'codec', 'passage', 'signal',
    'HTTP_ACCEPT', 'HTTP_REFERER', 'HTTP_USER_AGENT', 'HTTP_HOST', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_URI', 'REMOTE_ADDR', 'wsgi.input',
  ])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  test('every listed name and part is secret in any case and with any separators', () => {
    const listed = [...SECRET_NAMES, ...SECRET_NAME_PARTS];
    fc.assert(
      fc.property(fc.constantFrom(...listed), fc.array(fc.constantFrom('', '-', '_', '+', ' ', '.'), { minLength: 20, maxLength: 20 }), fc.boolean(), (name, seps, upper) => {
        const spelled = [...name].map((ch, i) => ch + seps[i]).join('');
        expect(isSecretName(upper ? spelled.toUpperCase() : spelled)).toBe(true);
      }),
    );
  });
});

describe('maskUrl', () => {
  test.each<[string, string]>([
    ['/a?key=K1', `/a?key=${M}`],
    ['/a?sig=S1&sv=2021', `/a?sig=${M}&sv=2021`],
    ['https://app.example/cb?code=C1&state=ok', `https://app.example/cb?code=${M}&state=ok`],
    ['/login?user=ann&pass=P1', `/login?user=ann&pass=${M}`],
    ['/login?user=ann&pw=P1', `/login?user=ann&pw=${M}`],
    ['/v1?api+key=K1', `/v1?api+key=${M}`],
    ['/v1?api%20key=K1', `/v1?api%20key=${M}`],
    ['/v1?api%5Fkey=K1', `/v1?api%5Fkey=${M}`],
    ['/v1?api%255Fkey=K1', `/v1?api%255Fkey=${M}`],
    ['/v1?t%6Fken=K1', `/v1?t%6Fken=${M}`],
    ['/v1?%E0%A4%A=x&token=K1', `/v1?%E0%A4%A=x&token=${M}`],
    ['/o?X-Amz-Credential=AK&X-Amz-Signature=S1&X-Amz-Expires=60', `/o?X-Amz-Credential=${M}&X-Amz-Signature=${M}&X-Amz-Expires=60`],
    ['/a?q=1;token=T1', `/a?q=1;token=${M}`],
    ['/a?q=1?token=T1', `/a?q=1?token=${M}`],
    ['/a?token=T1=more', `/a?token=${M}`],
    ['/a?token=', `/a?token=${M}`],
    ['/a?token&q=1', '/a?token&q=1'],
    ['/a?=T1', '/a?=T1'],
    ['/cb#access_token=T1&expires_in=3600', `/cb#access_token=${M}&expires_in=3600`],
    ['/cb?x=1#id_token=T1', `/cb?x=1#id_token=${M}`],
    ['/cart;jsessionid=J1?item=1', `/cart;jsessionid=${M}?item=1`],
    ['https://ann:P1@db.example/admin', `https://ann:${M}@db.example/admin`],
    ['postgres://app:P1@10.0.0.3:5432/db?sslmode=require', `postgres://app:${M}@10.0.0.3:5432/db?sslmode=require`],
    ['https://ghp_T1@github.com/o/r.git', `https://${M}@github.com/o/r.git`],
    ['https://host.example:8080/a@b', 'https://host.example:8080/a@b'],
    // A message with URLs in it: each is masked, the words around them stay.
    ['GET https://api.example/v1?api_key=K1 failed, 403', `GET https://api.example/v1?api_key=${M} failed, 403`],
    // A value runs to the end of the URL-like run: punctuation after it goes with it, never a secret's tail.
    ['(see https://status.example/?token=T2).', `(see https://status.example/?token=${M}`],
    ['fetch "https://x.example/?key=K1" -> 403', `fetch "https://x.example/?key=${M}" -> 403`],
    // Nothing to mask: unchanged.
    ['/users/7?page=2&sort=name', '/users/7?page=2&sort=name'],
    ['text/html;q=0.9, */*;q=0.8', 'text/html;q=0.9, */*;q=0.8'],
    ['what? a = b; c', 'what? a = b; c'],
    ['', ''],
  ])('%s', (text, masked) => {
    expect(maskUrl(text)).toBe(masked);
  });

  test('a test of its own replaces the default rule', () => {
    expect(maskUrl('/a?ssn=1&token=2', (name) => name === 'ssn')).toBe(`/a?ssn=${M}&token=2`);
  });
});

const base = {
  REQUEST_METHOD: 'GET',
  SCRIPT_NAME: '/app',
  PATH_INFO: '/users/7',
  QUERY_STRING: 'q=shoes&access_token=abc123&Api-Key=k9&api+key=k8',
  SERVER_NAME: 'localhost',
  SERVER_PORT: '80',
  SERVER_PROTOCOL: 'HTTP/1.1',
  HTTP_AUTHORIZATION: 'Bearer eyJhbGciOi.secret.sig',
  HTTP_COOKIE: 'sid=s3cr3t; theme=dark',
  HTTP_X_CSRF_TOKEN: 'csrf-value',
  HTTP_ACCEPT: 'text/html',
  HTTP_REFERER: 'https://idp.example/authorize?client_id=web&code=oauth-code-1',
  HTTP_X_ORIGINAL_URL: '/app/users/7?sig=orig-sig-2',
  REQUEST_URI: '/app/users/7?q=shoes&access_token=abc123&Api-Key=k9&api+key=k8',
  'tsgi.auth': { user: 'ann', password: 'pw' },
  'wsgi.version': [1, 0],
  'wsgi.input_terminated': false,
} as unknown as Environ;

test('maskEnviron: credentials, cookie values, secret keys, and secrets in every URL-valued entry are masked; the rest shown', () => {
  const rows = Object.fromEntries(maskEnviron(base));
  expect(rows).toMatchObject({
    HTTP_AUTHORIZATION: M,
    HTTP_COOKIE: `sid=${M}; theme=${M}`,
    HTTP_X_CSRF_TOKEN: M,
    QUERY_STRING: `q=shoes&access_token=${M}&Api-Key=${M}&api+key=${M}`,
    REQUEST_URI: `/app/users/7?q=shoes&access_token=${M}&Api-Key=${M}&api+key=${M}`,
    HTTP_REFERER: `https://idp.example/authorize?client_id=web&code=${M}`,
    HTTP_X_ORIGINAL_URL: `/app/users/7?sig=${M}`,
    'tsgi.auth': M,
    HTTP_ACCEPT: 'text/html',
    PATH_INFO: '/users/7',
    'wsgi.version': '[1, 0]',
    'wsgi.input_terminated': 'false',
  });
  const shown = JSON.stringify(rows);
  for (const secret of ['eyJhbGciOi', 's3cr3t', 'dark', 'csrf-value', 'abc123', 'k9', 'k8', '"pw"', 'oauth-code-1', 'orig-sig-2']) expect(shown).not.toContain(secret);
});

test('QUERY_STRING is parameters to its end, spaces and all', () => {
  expect(maskQuery('q=a b&token=t one two')).toBe(`q=a b&token=${M}`);
});

test('the request line keeps the path and masks secret parameters, path parameters too', () => {
  expect(requestLine(base)).toBe(`GET /app/users/7?q=shoes&access_token=${M}&Api-Key=${M}&api+key=${M} HTTP/1.1`);
  const matrix = { ...base, PATH_INFO: '/cart;jsessionid=J1', REQUEST_URI: '/app/cart;jsessionid=J1', QUERY_STRING: '' } as Environ;
  expect(requestLine(matrix)).toBe(`GET /app/cart;jsessionid=${M} HTTP/1.1`);
});

test('objects are shown by kind, never expanded', () => {
  const rows = Object.fromEntries(maskEnviron({ ...base, 'tsgi.thing': new Map([['password', 'x']]), 'tsgi.fn': function helper() {} }));
  expect(rows['tsgi.thing']).toBe('[Map]');
  expect(rows['tsgi.fn']).toBe('[function helper]');
});

test('property: a secret-named parameter\'s value never survives maskQuery or maskUrl, and the other parameters are kept', () => {
  const name = fc.constantFrom('token', 'password', 'api_key', 'api+key', 'session', 'client_secret', 'X-Auth', 'key', 'sig', 'code', 'pw');
  const value = fc.stringMatching(/^[A-Za-z0-9%._~-]{6,20}$/);
  const other = fc.tuple(fc.constantFrom('q', 'page', 'sort'), fc.stringMatching(/^[a-z]{0,5}$/));
  fc.assert(
    fc.property(fc.array(other, { maxLength: 3 }), name, value, fc.array(other, { maxLength: 3 }), (before, secretName, secret, after) => {
      const query = [...before.map(([k, v]) => `${k}=${v}`), `${secretName}=${secret}`, ...after.map(([k, v]) => `${k}=${v}`)].join('&');
      const masked = maskQuery(query);
      expect(masked.split('&')).toContain(`${secretName}=${M}`);
      expect(masked).not.toContain(`=${secret}`);
      expect(masked.split('&').length).toBe(before.length + 1 + after.length);
      expect(maskUrl(`https://h.example/p?${query}`)).toBe(`https://h.example/p?${masked}`);
    }),
  );
});
