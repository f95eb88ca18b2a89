import fc from 'fast-check';
import type { Environ } from '@tsgi/core';
import { DEFAULT_SECRETS, MASK, maskEnviron, maskQuery, requestLine } from './mask.js';

const base = {
  REQUEST_METHOD: 'GET',
  SCRIPT_NAME: '/app',
  PATH_INFO: '/users/7',
  QUERY_STRING: 'q=shoes&access_token=abc123&Api-Key=k9',
  SERVER_NAME: 'localhost',
  SERVER_PORT: '80',
  SERVER_PROTOCOL: 'HTTP/1.1',
  HTTP_AUTHORIZATION: 'Bearer eyJhbGciOi.secret.sig',
  HTTP_COOKIE: 'sid=s3cr3t; theme=dark',
  HTTP_X_CSRF_TOKEN: 'csrf-value',
  HTTP_ACCEPT: 'text/html',
  REQUEST_URI: '/app/users/7?q=shoes&access_token=abc123&Api-Key=k9',
  'tsgi.auth': { user: 'ann', password: 'pw' },
  'wsgi.version': [1, 0],
  'wsgi.input_terminated': false,
} as unknown as Environ;

test('credentials, cookie values and secret-named keys and parameters are masked; the rest shown', () => {
  const rows = Object.fromEntries(maskEnviron(base, DEFAULT_SECRETS));
  expect(rows).toMatchObject({
    HTTP_AUTHORIZATION: MASK,
    HTTP_COOKIE: `sid=${MASK}; theme=${MASK}`,
    HTTP_X_CSRF_TOKEN: MASK,
    QUERY_STRING: `q=shoes&access_token=${MASK}&Api-Key=${MASK}`,
    REQUEST_URI: `/app/users/7?q=shoes&access_token=${MASK}&Api-Key=${MASK}`,
    'tsgi.auth': MASK,
    HTTP_ACCEPT: 'text/html',
    PATH_INFO: '/users/7',
    'wsgi.version': '[1, 0]',
    'wsgi.input_terminated': 'false',
  });
  const shown = JSON.stringify(rows);
  for (const secret of ['eyJhbGciOi', 's3cr3t', 'dark', 'csrf-value', 'abc123', 'k9', '"pw"']) expect(shown).not.toContain(secret);
});

test('the request line keeps the path and masks secret parameters', () => {
  expect(requestLine(base, DEFAULT_SECRETS)).toBe(`GET /app/users/7?q=shoes&access_token=${MASK}&Api-Key=${MASK} HTTP/1.1`);
});

test('objects are shown by kind, never expanded', () => {
  const rows = Object.fromEntries(maskEnviron({ ...base, 'tsgi.thing': new Map([['password', 'x']]), 'tsgi.fn': function helper() {} }, DEFAULT_SECRETS));
  expect(rows['tsgi.thing']).toBe('[Map]');
  expect(rows['tsgi.fn']).toBe('[function helper]');
});

test('property: a secret-named parameter\'s value never survives maskQuery', () => {
  const name = fc.constantFrom('token', 'password', 'api_key', 'session', 'client_secret', 'X-Auth');
  const value = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/);
  const other = fc.tuple(fc.constantFrom('q', 'page', 'sort'), fc.stringMatching(/^[a-z]{0,5}$/));
  fc.assert(
    fc.property(fc.array(other, { maxLength: 3 }), name, value, fc.array(other, { maxLength: 3 }), (before, secretName, secret, after) => {
      const query = [...before.map(([k, v]) => `${k}=${v}`), `${secretName}=${secret}`, ...after.map(([k, v]) => `${k}=${v}`)].join('&');
      const masked = maskQuery(query, DEFAULT_SECRETS);
      expect(masked.split('&')).toContain(`${secretName}=${MASK}`);
      expect(masked.split('&').filter((pair) => pair.endsWith(`=${secret}`))).toEqual([]);
      expect(masked.split('&').length).toBe(before.length + 1 + after.length);
    }),
  );
});
